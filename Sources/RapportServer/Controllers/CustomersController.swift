import Foundation
import RapportCore
import RapportStore
import Vapor

/// `/api/v1/customers`: create, read, change, archive, restore and list customers; their history
/// (`+History`) and data-subject export and erasure (`+DataSubject`).
struct CustomersController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let customers = routes.grouped(APIPath.customers)
        customers.get(use: list)
        customers.post(use: create)
        customers.get(APIPath.id, use: show)
        customers.patch(APIPath.id, use: update)
        customers.delete(APIPath.id, use: archive)
        customers.post(APIPath.id, APIPath.restore, use: restore)
        customers.get(APIPath.id, APIPath.events, use: events)
        customers.get(APIPath.id, APIPath.export, use: export)
        customers.post(APIPath.id, APIPath.erase, use: erase)
    }

    @Sendable func create(request: Request) async throws -> Response {
        let principal = try request.principal
        try Self.requireWrite(principal)
        var fields = try request.rapport.parser.parse(try await request.jsonBody())
        if principal.role == .agent || principal.role == .manager {
            fields.ownerID = fields.ownerID ?? principal.userID
            fields.team = fields.team ?? principal.team
        }
        try Self.requireVisible(fields, to: principal)
        let customer = try await CustomerRepository(request.store).create(
            fields, actor: principal.actor, source: .api)
        return CustomerJSON.response(customer, status: .created, headers: ["Location": APIPath.customer(customer.id)])
    }

    /// Future-based rather than `async`: reading a customer is the API's hottest path, and a future-only request
    /// is served without starting a task. Views of the past (`as_of`) are rarer and go through `showPast`.
    @Sendable func show(request: Request) throws -> EventLoopFuture<Response> {
        let principal = try request.principal
        let id = try request.uuidParameter("id")
        let repository = CustomerRepository(try request.store)
        // Decoding the query string is not free; most reads have none.
        guard request.url.query != nil, let asOfText = request.query[String.self, at: "as_of"] else {
            return repository.find(id, visibleTo: AccessPolicy.visibility(for: principal)).map {
                CustomerJSON.response($0)
            }
        }
        let response = request.eventLoop.makePromise(of: Response.self)
        response.completeWithTask {
            try await Self.showPast(id, asOfText: asOfText, principal: principal, request: request)
        }
        return response.futureResult
    }

    private static func showPast(
        _ id: UUID, asOfText: String, principal: Principal, request: Request
    ) async throws -> Response {
        let current = try await CustomerRepository(request.store).find(
            id, visibleTo: AccessPolicy.visibility(for: principal))
        guard let asOf = RFC3339.parse(asOfText) else {
            throw Problem.badParameter("as_of", "expected an RFC 3339 time such as 2026-01-31T09:00:00Z")
        }
        let history = try await EventLog(request.store).history(of: id, upTo: asOf)
        guard let past = CustomerHistory.replay(history, number: current.number, asOf: asOf) else {
            throw Problem(.notFound, type: ProblemType.notFound, detail: "the customer did not exist at \(asOfText)")
        }
        let stats = try await LifecycleRepository(request.store, engine: request.rapport.lifecycle).stats(
            of: id, createdAt: past.createdAt, asOf: asOf)
        return CustomerJSON.response(StoredCustomer(past, stats: stats), asOf: asOf)
    }

    @Sendable func update(request: Request) async throws -> Response {
        let principal = try request.principal
        try Self.requireWrite(principal)
        let id = try request.uuidParameter("id")
        let expectedVersion = try ETag.expectedVersion(request)
        let patch = try await request.jsonBody(accepting: [.json, HTTPMediaType(type: "application", subType: "merge-patch+json")])
        let parser = request.rapport.parser
        let customer = try await CustomerRepository(request.store).update(
            id, visibleTo: AccessPolicy.visibility(for: principal), expectedVersion: expectedVersion,
            actor: principal.actor, source: .api
        ) { current in
            let fields = try parser.parsePatch(patch, onto: current)
            try Self.requireVisible(fields, to: principal)
            return fields
        }
        return CustomerJSON.response(customer)
    }

    @Sendable func archive(request: Request) async throws -> Response {
        let principal = try request.principal
        try Self.requireWrite(principal)
        let customer = try await CustomerRepository(request.store).archive(
            try request.uuidParameter("id"), visibleTo: AccessPolicy.visibility(for: principal),
            expectedVersion: try ETag.expectedVersion(request), actor: principal.actor, source: .api)
        return CustomerJSON.response(customer)
    }

    @Sendable func restore(request: Request) async throws -> Response {
        let principal = try request.principal
        try Self.requireWrite(principal)
        let customer = try await CustomerRepository(request.store).restore(
            try request.uuidParameter("id"), visibleTo: AccessPolicy.visibility(for: principal),
            expectedVersion: try ETag.expectedVersion(request), actor: principal.actor, source: .api)
        return CustomerJSON.response(customer)
    }

    @Sendable func list(request: Request) async throws -> Response {
        let principal = try request.principal
        let limit = try request.pageLimit()
        let before = try request.customerCursor()
        let archived = try Self.booleanParameter(request, "archived") ?? false
        let query = request.query[String.self, at: "q"]
        if let query, query.count > 200 { throw Problem.badParameter("q", "at most 200 characters") }
        let filter = try request.query[String.self, at: "filter"].map {
            try CrowdRequests.parseText($0, field: "filter", maxLength: CrowdRequests.maxFilterLength)
        }
        let customers = try await CustomerRepository(request.store).list(
            visibleTo: AccessPolicy.visibility(for: principal), search: query, filter: filter, archived: archived,
            before: before, limit: limit)
        return CustomerJSON.page(customers, limit: limit)
    }

    // MARK: - Rules shared by the handlers

    static func requireWrite(_ principal: Principal) throws {
        guard AccessPolicy.canWriteCustomers(principal) else {
            throw Problem(.forbidden, type: ProblemType.forbidden, detail: "your role may read customers, not change them")
        }
    }

    /// Agents and managers may not hand a customer to someone outside their reach: they would lose it.
    static func requireVisible(_ fields: CustomerFields, to principal: Principal) throws {
        guard AccessPolicy.visibility(for: principal).allows(ownerID: fields.ownerID, team: fields.team) else {
            throw ValidationError(field: "owner_id", code: "not_allowed",
                                  message: "you may only assign customers to yourself or your team")
        }
    }

    static func booleanParameter(_ request: Request, _ name: String) throws -> Bool? {
        guard let text = request.query[String.self, at: name] else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default: throw Problem.badParameter(name, "expected true or false")
        }
    }
}
