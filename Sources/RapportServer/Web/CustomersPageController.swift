import Foundation
import Leaf
import RapportCore
import RapportStore
import Vapor

/// The customer list: newest number first, searched and filtered with the crowd rule language, under the same
/// visibility as the API (an agent sees their own and their team's customers). Search and filter are posted, not put
/// in the address: a name or a phone number must not end up in URLs, browser history and access logs. Paging an
/// unfiltered list uses `?before=<number>`, which names no one.
struct CustomersPageController: RouteCollection {
    static let pageSize = 50

    func boot(routes: any RoutesBuilder) throws {
        routes.get("customers", use: list)
        routes.post("customers", use: search)
    }

    struct Query: Content {
        var q: String?
        var filter: String?
        var before: String?
        var archived: String?
    }

    @Sendable func list(request: Request) async throws -> Response {
        let query = try request.query.decode(Query.self)
        return try await page(request, Query(before: query.before, archived: query.archived), searching: false)
    }

    @Sendable func search(request: Request) async throws -> Response {
        try request.requireCSRFToken()
        return try await page(request, try request.content.decode(Query.self), searching: true)
    }

    private func page(_ request: Request, _ query: Query, searching: Bool) async throws -> Response {
        let principal = try request.requirePrincipal()
        let archived = query.archived == "true"
        let search = query.q.map { TextNormalization.clean($0) }.flatMap { $0.isEmpty ? nil : $0 }
        let filterText = query.filter.map { TextNormalization.clean($0) }.flatMap { $0.isEmpty ? nil : $0 }
        var page = WebPage("customers", section: "customers")
        page["q"] = .string(search ?? "")
        page["filter"] = .string(filterText ?? "")
        page["archived"] = .bool(archived)
        page["searching"] = .bool(searching && (search != nil || filterText != nil))
        var error: String?
        var filter: CrowdRule?
        if let search, search.count > 200 { error = request.text("error.invalid_search") }
        if let filterText {
            do {
                filter = try CrowdRequests.parseText(filterText, field: "filter",
                                                     maxLength: CrowdRequests.maxFilterLength)
            } catch let invalid {
                error = request.text("error.invalid_filter", [invalid.errors.map(\.message).joined(separator: "; ")])
            }
        }
        var customers: [StoredCustomer] = []
        if error == nil {
            customers = try await CustomerRepository(request.store).list(
                visibleTo: AccessPolicy.visibility(for: principal), search: search, filter: filter, archived: archived,
                before: query.before.flatMap(Int64.init).map(CustomerNumber.init), limit: Self.pageSize)
        }
        if let error { page["error"] = .string(error) }
        let currency = request.rapport.settings.baseCurrency
        page["customers"] = .array(try customers.map { try Self.row($0, currency: currency, language: request.webLanguage) })
        page["empty"] = .bool(customers.isEmpty)
        page["shown"] = .string(customers.count.formatted())
        if customers.count == Self.pageSize, let last = customers.last {
            page["next"] = .string(String(last.number.value))
        }
        return try await page.response(for: request, status: error == nil ? .ok : .unprocessableEntity)
    }

    /// A customer as a row of a list page (the customer list, a crowd's members).
    static func row(_ stored: StoredCustomer, currency: String, language: WebLanguage) throws -> LeafData {
        let fields = try stored.decoded().fields
        let purchases = stored.stats.purchases
        let stage = stored.stats.stage.stage.rawValue
        return .dictionary([
            "id": .string(UUIDText.format(stored.id)),
            "number": .string(stored.number.description),
            "name": .string(fields.name),
            "stage": .string(stage),
            "stageKey": .string("stage.\(stage)"),
            "phone": .string(fields.phones.first?.number ?? ""),
            "email": .string(fields.emails.first?.address ?? ""),
            "city": .string(fields.addresses.first?.city ?? ""),
            "orders": .string(purchases.ordersCount.formatted()),
            "spent": .string(MoneyText.exact(minor: purchases.totalSpentMinor, currency: currency)),
            "lastPurchase": .string(purchases.lastPurchaseAt.map { WebFormat.day($0, in: language) } ?? ""),
        ])
    }
}
