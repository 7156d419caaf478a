import Foundation
import RapportCore
import RapportStore
import Vapor

/// `/api/v1/crowds`: crowds (人群) and their members. `{id}` is a crowd's UUID, or a built-in crowd's key
/// (`churned`). Counts, members and trends cover only the customers the caller may see.
struct CrowdsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let crowds = routes.grouped(APIPath.crowds)
        crowds.get(use: list)
        crowds.post(use: create)
        crowds.post("preview", use: preview)
        crowds.get(APIPath.id, use: show)
        crowds.patch(APIPath.id, use: update)
        crowds.delete(APIPath.id, use: delete)
        crowds.get(APIPath.id, "members", use: members)
    }

    @Sendable func list(request: Request) async throws -> Response {
        let visibility = AccessPolicy.visibility(for: try request.principal)
        let repository = CrowdRepository(try request.store)
        let crowds = try await repository.list()
        let counts = try await repository.counts(of: crowds, visibleTo: visibility)
        let items = crowds.map { JSONValue.object(Self.json($0, members: counts[$0.id] ?? 0)) }
        return try APIJSON.response(JSONValue.object(["items": .array(items)]))
    }

    @Sendable func show(request: Request) async throws -> Response {
        let visibility = AccessPolicy.visibility(for: try request.principal)
        let days: Int
        if let text = request.query[String.self, at: "days"] {
            guard let value = Int(text), (1...366).contains(value) else {
                throw Problem.badParameter("days", "expected a whole number from 1 to 366")
            }
            days = value
        } else {
            days = 30
        }
        let repository = CrowdRepository(try request.store)
        let crowd = try await repository.find(try Self.idParameter(request))
        var json = Self.json(crowd, members: try await repository.count(of: crowd, visibleTo: visibility))
        let trend = try await repository.trend(of: crowd, days: days, visibleTo: visibility)
        json["trend"] = .array(trend.map { day, members in
            ["date": .string(CalendarDate(dayNumber: day).description), "members": .number(Double(members))]
        })
        return try APIJSON.response(JSONValue.object(json))
    }

    @Sendable func create(request: Request) async throws -> Response {
        let principal = try request.principal
        try Self.requireManage(principal)
        let input = try CrowdRequests.parseCreate(try await request.jsonBody())
        let repository = CrowdRepository(try request.store)
        let crowd = try await repository.create(name: input.name, description: input.description, rule: input.rule)
        let members = try await repository.count(of: crowd, visibleTo: AccessPolicy.visibility(for: principal))
        return try APIJSON.response(JSONValue.object(Self.json(crowd, members: members)), status: .created,
                                    headers: ["Location": APIPath.crowd(crowd.id)])
    }

    @Sendable func update(request: Request) async throws -> Response {
        let principal = try request.principal
        try Self.requireManage(principal)
        let patch = try CrowdRequests.parsePatch(
            try await request.jsonBody(accepting: [.json, HTTPMediaType(type: "application", subType: "merge-patch+json")]))
        let repository = CrowdRepository(try request.store)
        let crowd = try await repository.update(try Self.idParameter(request), name: patch.name,
                                                description: patch.description, rule: patch.rule)
        let members = try await repository.count(of: crowd, visibleTo: AccessPolicy.visibility(for: principal))
        return try APIJSON.response(JSONValue.object(Self.json(crowd, members: members)))
    }

    @Sendable func delete(request: Request) async throws -> Response {
        try Self.requireManage(try request.principal)
        try await CrowdRepository(try request.store).delete(try Self.idParameter(request))
        return Response(status: .noContent)
    }

    @Sendable func members(request: Request) async throws -> Response {
        let visibility = AccessPolicy.visibility(for: try request.principal)
        let limit = try request.pageLimit()
        let before = try request.customerCursor()
        let asOf = try request.asOfParameter()
        let repository = CrowdRepository(try request.store)
        let crowd = try await repository.find(try Self.idParameter(request))
        let customers = try await repository.members(of: crowd, asOf: asOf, before: before, limit: limit,
                                                     visibleTo: visibility)
        return CustomerJSON.page(customers, limit: limit)
    }

    @Sendable func preview(request: Request) async throws -> Response {
        let visibility = AccessPolicy.visibility(for: try request.principal)
        let input = try CrowdRequests.parsePreview(try await request.jsonBody())
        let store = try request.store
        let count = try await CrowdRepository(store).count(matching: input.rule, visibleTo: visibility)
        let first = input.limit == 0 ? [] : try await CustomerRepository(store).list(
            visibleTo: visibility, search: nil, filter: input.rule, archived: false, before: nil, limit: input.limit)
        return CustomerJSON.preview(count: count, rule: input.rule, members: first)
    }

    // MARK: - Helpers

    /// A crowd as the API shows it; `members` is the count the caller may see.
    static func json(_ crowd: Crowd, members: Int) -> [String: JSONValue] {
        [
            "id": .string(UUIDText.format(crowd.id)),
            "key": crowd.key.map(JSONValue.string) ?? .null,
            "name": .string(crowd.name),
            "description": .string(crowd.description),
            "rule": .string(crowd.rule.text),
            "rule_json": crowd.rule.json,
            "built_in": .bool(crowd.isBuiltIn),
            "member_count": .number(Double(members)),
            "created_at": .string(RFC3339.format(crowd.createdAt)),
            "updated_at": .string(RFC3339.format(crowd.updatedAt)),
        ]
    }

    /// A crowd's UUID or a built-in crowd's key; anything longer than either names no crowd.
    private static func idParameter(_ request: Request) throws -> String {
        guard let text = request.parameters.get("id"), text.count <= 64 else {
            throw Problem(.notFound, type: ProblemType.notFound, detail: "no such resource")
        }
        return text
    }

    private static func requireManage(_ principal: Principal) throws {
        guard AccessPolicy.canManageCrowds(principal) else {
            throw Problem(.forbidden, type: ProblemType.forbidden, detail: "your role may use crowds, not define them")
        }
    }
}
