import Foundation
import Leaf
import RapportCore
import RapportStore
import Vapor

/// The customer list: searched, filtered with the crowd rule language (with its help and field buttons), narrowed to
/// a saved crowd from the sidebar, sorted, paged, exported as CSV — under the same visibility as the API (an agent
/// sees their own and their team's customers). Search and filter are posted, not put in the address: a name or a
/// phone number must not end up in URLs, browser history and access logs. Addresses carry only a sort, a crowd's ID
/// and the number a page starts after, which name no one.
struct CustomersPageController: RouteCollection {
    static let pageSize = 50

    func boot(routes: any RoutesBuilder) throws {
        routes.get("customers", use: list)
        routes.post("customers", use: search)
        routes.post("customers", "export", use: export)
    }

    struct Query: Content {
        var q: String?
        var filter: String?
        var before: String?
        var archived: String?
        var sort: String?
        var crowd: String?
    }

    @Sendable func list(request: Request) async throws -> Response {
        let query = try request.query.decode(Query.self)
        return try await page(request, Query(before: query.before, archived: query.archived, sort: query.sort,
                                             crowd: query.crowd), searching: false)
    }

    @Sendable func search(request: Request) async throws -> Response {
        try request.requireCSRFToken()
        return try await page(request, try request.content.decode(Query.self), searching: true)
    }

    /// The current filter's customers as a CSV file (the search box narrows the page, not the export: an export is
    /// of a rule, as the API's).
    @Sendable func export(request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        try request.requireCSRFToken()
        let query = try request.content.decode(Query.self)
        let text = query.filter.map { TextNormalization.clean($0) }.flatMap { $0.isEmpty ? nil : $0 }
        let filter = try text.map {
            try CrowdRequests.parseText($0, field: "filter", maxLength: CrowdRequests.maxFilterLength)
        }
        return try await ExportsController.stream(.customers, format: .csv, filter: filter,
                                                  visibleTo: AccessPolicy.visibility(for: principal), via: "web",
                                                  request: request)
    }

    private func page(_ request: Request, _ query: Query, searching: Bool) async throws -> Response {
        let principal = try request.requirePrincipal()
        let store = try request.store
        let archived = query.archived == "true"
        let order = query.sort.flatMap { $0.isEmpty ? nil : $0 }.map { CustomerListOrder(rawValue: $0) } ?? .newest
        guard let order else { throw Abort(.badRequest) }
        let search = query.q.map { TextNormalization.clean($0) }.flatMap { $0.isEmpty ? nil : $0 }
        let filterText = query.filter.map { TextNormalization.clean($0) }.flatMap { $0.isEmpty ? nil : $0 }
        let crowds = try await CrowdRepository(store).list()
        var page = WebPage("customers", section: "customers")
        var crowd: Crowd?
        if let id = query.crowd, !id.isEmpty {
            guard let found = crowds.first(where: { UUIDText.format($0.id) == id || $0.key == id }) else {
                throw Abort(.notFound)
            }
            crowd = found
            page["crowdName"] = .string(request.crowdName(found))
            page["crowdRule"] = .string(found.rule.text)
        }
        page["q"] = .string(search ?? "")
        page["filter"] = .string(filterText ?? "")
        page["archived"] = .bool(archived)
        page["sort"] = .string(order.rawValue)
        page["sorts"] = .array(CustomerListOrder.allCases.map { option in
            .dictionary(["key": .string(option.rawValue), "label": .string(request.text("customers.sort.\(option.rawValue)"))])
        })
        page["searching"] = .bool(searching && (search != nil || filterText != nil))
        page["sidebar"] = .array(crowds.map { crowd in
            .dictionary(["id": .string(crowd.key ?? UUIDText.format(crowd.id)), "name": .string(request.crowdName(crowd))])
        })
        page["fields"] = CrowdsPageController.fieldHelp(request)
        var error: String?
        var filter: CrowdRule?
        if let search, search.count > 200 { error = request.text("error.invalid_search") }
        if let filterText {
            do {
                filter = try CrowdRequests.parseText(filterText, field: "filter",
                                                     maxLength: CrowdRequests.maxFilterLength)
            } catch let invalid {
                let said = invalid.errors.map { CustomerEditForm.message($0, request: request) }
                    .joined(separator: request.text("phrase.separator"))
                error = request.invalidRuleText(filterText, fallback: said)
            }
        }
        var customers: [StoredCustomer] = []
        if error == nil {
            customers = try await CustomerRepository(store).list(
                visibleTo: AccessPolicy.visibility(for: principal), search: search, filter: filter, crowd: crowd?.id,
                archived: archived,
                order: order, before: query.before.flatMap(Int64.init).map(CustomerNumber.init), limit: Self.pageSize)
        }
        if let error { page["error"] = .string(error) }
        let currency = request.rapport.settings.baseCurrency
        page["customers"] = .array(try customers.map { try Self.row($0, currency: currency, language: request.webLanguage) })
        page["empty"] = .bool(customers.isEmpty)
        page["shown"] = .string(customers.count.formatted())
        if customers.count == Self.pageSize, let last = customers.last {
            page["next"] = .string(String(last.number.value))
        }
        page["crowd"] = .string(query.crowd ?? "")
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
