import Foundation
import Leaf
import RapportCore
import RapportStore
import Vapor

/// Crowds 人群: the list with each crowd's size and its trend over the last weeks, a crowd's members, and the builder
/// that counts a rule's members while it is typed. Counts are of the customers the user may see; defining crowds is
/// for managers, analysts and admins (crowds are shared), as in the API.
struct CrowdsPageController: RouteCollection {
    static let trendDays = 30
    static let pageSize = 50

    func boot(routes: any RoutesBuilder) throws {
        routes.get("crowds", use: list)
        routes.get("crowds", "new", use: builder)
        routes.post("crowds", use: create)
        routes.post("crowds", "preview", use: preview)
        routes.get("crowds", ":id", use: show)
        routes.post("crowds", ":id", use: update)
        routes.post("crowds", ":id", "delete", use: delete)
    }

    struct CrowdForm: Content {
        var name: String?
        var description: String?
        var rule: String?
        /// Set by the builder's "count" button (without script): count, do not save.
        var count: String?
    }

    /// A crowd's size now and at the end of each of its trend's days, as the user may see them.
    struct Size: Sendable {
        let count: Int
        let trend: [(day: Int, members: Int)]
    }

    /// Sizes of `crowds`, through the cache of slow figures: on a big database counting every crowd's members takes
    /// a second, and the list must answer at once.
    static func sizes(
        of crowds: [Crowd], days: Int, request: Request, visibility: CustomerVisibility
    ) async throws -> [UUID: Size] {
        try await sizes(of: crowds, days: days, cache: request.application.webFigures, store: try request.store,
                        visibility: visibility)
    }

    static func sizes(
        of crowds: [Crowd], days: Int, cache: WebFigureCache, store: RapportDatabase, visibility: CustomerVisibility
    ) async throws -> [UUID: Size] {
        let today = BusinessDay.number(of: store.clock.now())
        let key = "crowds|\(visibility)|\(today)|\(days)|"
            + crowds.map { "\(UUIDText.format($0.id))@\($0.updatedAt.timeIntervalSince1970)" }.joined(separator: ",")
        let version = try await EventLog(store).latestSeq()
        return try await cache.value(key, version: version) {
            let repository = CrowdRepository(store)
            let counts = try await repository.counts(of: crowds, visibleTo: visibility)
            var sizes: [UUID: Size] = [:]
            for crowd in crowds {
                sizes[crowd.id] = Size(count: counts[crowd.id] ?? 0,
                                       trend: try await repository.trend(of: crowd, days: days, visibleTo: visibility))
            }
            return sizes
        }
    }

    @Sendable func list(request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        let visibility = AccessPolicy.visibility(for: principal)
        let crowds = try await CrowdRepository(try request.store).list()
        let sizes = try await Self.sizes(of: crowds, days: Self.trendDays, request: request, visibility: visibility)
        var page = WebPage("crowds", section: "crowds")
        page["crowds"] = .array(crowds.map { crowd in
            let size = sizes[crowd.id] ?? Size(count: 0, trend: [])
            return .dictionary([
                "id": .string(UUIDText.format(crowd.id)), "name": .string(request.crowdName(crowd)),
                "description": .string(request.crowdDescription(crowd)), "rule": .string(crowd.rule.text),
                "builtIn": .bool(crowd.isBuiltIn), "count": .string(size.count.formatted()),
                "change": .string(Self.change(from: size.trend.first?.members ?? 0, to: size.count)),
                "sparkline": WebCharts.sparkline(size.trend.map(\.members)),
            ])
        })
        page["mayManage"] = .bool(AccessPolicy.canManageCrowds(principal))
        return try await page.response(for: request)
    }

    @Sendable func builder(request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        try await request.requirePermission(AccessPolicy.canManageCrowds(principal), operation: "crowd.create",
                                            principal: principal)
        return try await Self.builderPage(CrowdForm(), request: request).response(for: request)
    }

    /// Saves a new crowd, or (the "count" button) only counts its rule's members and shows the first of them.
    @Sendable func create(request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        try request.requireCSRFToken()
        try await request.requirePermission(AccessPolicy.canManageCrowds(principal), operation: "crowd.create",
                                            principal: principal)
        let form = try request.content.decode(CrowdForm.self)
        var page = Self.builderPage(form, request: request)
        do {
            let input = try CrowdRequests.parseCreate(Self.document(form))
            let repository = CrowdRepository(try request.store)
            if form.count != nil {
                try await Self.addPreview(of: input.rule, to: &page, request: request, principal: principal)
                return try await page.response(for: request)
            }
            let crowd = try await repository.create(name: input.name, description: input.description, rule: input.rule)
            return request.redirect(to: "/crowds/\(UUIDText.format(crowd.id))", redirectType: .normal)
        } catch let invalid as ValidationError {
            page["errors"] = .dictionary(Self.errors(invalid, rule: form.rule ?? "", request: request))
            return try await page.response(for: request, status: .unprocessableEntity)
        }
    }

    /// The builder's live count: `{count}` or `{error}` as JSON, for the page's script.
    @Sendable func preview(request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        try request.requireCSRFToken()
        let text = (try? request.content.get(String.self, at: "rule")) ?? ""
        var body: [String: JSONValue]
        do {
            let rule = try CrowdRequests.parseText(text, field: "rule")
            let count = try await CrowdRepository(try request.store).count(
                matching: rule, visibleTo: AccessPolicy.visibility(for: principal))
            body = ["count": .number(Double(count)),
                    "text": .string(request.text("crowds.preview.count", [count.formatted()]))]
        } catch let invalid as ValidationError {
            body = ["error": .string(Self.errors(invalid, rule: text, request: request)["rule"]?.string ?? "")]
        }
        return try APIJSON.response(JSONValue.object(body), status: body["error"] == nil ? .ok : .unprocessableEntity)
    }

    struct MembersQuery: Content {
        var before: String?
    }

    @Sendable func show(request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        let crowd = try await Self.crowd(request)
        let query = try request.query.decode(MembersQuery.self)
        return try await Self.crowdPage(crowd, form: nil, before: query.before.flatMap(Int64.init), request: request,
                                        principal: principal).response(for: request)
    }

    @Sendable func update(request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        try request.requireCSRFToken()
        try await request.requirePermission(AccessPolicy.canManageCrowds(principal), operation: "crowd.update",
                                            principal: principal)
        let crowd = try await Self.crowd(request)
        let form = try request.content.decode(CrowdForm.self)
        do {
            let input = try CrowdRequests.parseCreate(Self.document(form))
            _ = try await CrowdRepository(try request.store).update(
                UUIDText.format(crowd.id), name: input.name, description: input.description, rule: input.rule)
            return request.redirect(to: "/crowds/\(UUIDText.format(crowd.id))", redirectType: .normal)
        } catch let invalid as ValidationError {
            var page = try await Self.crowdPage(crowd, form: form, before: nil, request: request, principal: principal)
            page["errors"] = .dictionary(Self.errors(invalid, rule: form.rule ?? "", request: request))
            return try await page.response(for: request, status: .unprocessableEntity)
        }
    }

    @Sendable func delete(request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        try request.requireCSRFToken()
        try await request.requirePermission(AccessPolicy.canManageCrowds(principal), operation: "crowd.delete",
                                            principal: principal)
        let crowd = try await Self.crowd(request)
        try await CrowdRepository(try request.store).delete(UUIDText.format(crowd.id))
        return request.redirect(to: "/crowds", redirectType: .normal)
    }

    // MARK: - Pages

    private static func crowdPage(
        _ crowd: Crowd, form: CrowdForm?, before: Int64?, request: Request, principal: Principal
    ) async throws -> WebPage {
        let visibility = AccessPolicy.visibility(for: principal)
        let repository = CrowdRepository(try request.store)
        let size = try await sizes(of: [crowd], days: 90, request: request, visibility: visibility)[crowd.id]
        let count = size?.count ?? 0, trend = size?.trend ?? []
        let members = try await repository.members(
            of: crowd, asOf: nil, before: before.map(CustomerNumber.init), limit: pageSize, visibleTo: visibility)
        let currency = request.rapport.settings.baseCurrency
        var page = WebPage("crowd", section: "crowds")
        page["id"] = .string(UUIDText.format(crowd.id))
        page["name"] = .string(request.crowdName(crowd))
        page["description"] = .string(request.crowdDescription(crowd))
        page["rule"] = .string(crowd.rule.text)
        page["builtIn"] = .bool(crowd.isBuiltIn)
        page["count"] = .string(count.formatted())
        page["trend"] = WebCharts.lines(
            labels: trend.enumerated().map { index, point in
                index % 15 == 0 || index == trend.count - 1
                    ? WebFormat.day(BusinessDay.start(of: point.day), in: request.webLanguage) : ""
            },
            series: [(key: "crowd", name: request.crowdName(crowd), values: trend.map { Double($0.members) })])
        page["customers"] = .array(try members.map {
            try CustomersPageController.row($0, currency: currency, language: request.webLanguage)
        })
        if members.count == pageSize, let last = members.last { page["next"] = .string(String(last.number.value)) }
        page["mayManage"] = .bool(AccessPolicy.canManageCrowds(principal) && !crowd.isBuiltIn)
        page["form"] = formValues(form ?? CrowdForm(name: crowd.name, description: crowd.description,
                                                    rule: crowd.rule.text))
        page["fields"] = fieldHelp(request)
        return page
    }

    private static func builderPage(_ form: CrowdForm, request: Request) -> WebPage {
        var page = WebPage("crowd-builder", section: "crowds")
        page["form"] = formValues(form)
        page["fields"] = fieldHelp(request)
        return page
    }

    private static func addPreview(
        of rule: CrowdRule, to page: inout WebPage, request: Request, principal: Principal
    ) async throws {
        let visibility = AccessPolicy.visibility(for: principal)
        let store = try request.store
        let count = try await CrowdRepository(store).count(matching: rule, visibleTo: visibility)
        let first = try await CustomerRepository(store).list(
            visibleTo: visibility, search: nil, filter: rule, archived: false, before: nil, limit: 10)
        let currency = request.rapport.settings.baseCurrency
        page["previewText"] = .string(request.text("crowds.preview.count", [count.formatted()]))
        page["customers"] = .array(try first.map {
            try CustomersPageController.row($0, currency: currency, language: request.webLanguage)
        })
    }

    /// The rule language's fields, for the help beside every rule input: name, kind of value, allowed values.
    static func fieldHelp(_ request: Request) -> LeafData {
        .array(CrowdFields.all.map { field in
            .dictionary([
                "name": .string(field.keyed ? "\(field.name).…" : field.name),
                "insert": .string(field.keyed ? "\(field.name)." : field.name),
                "type": .string(request.text("crowds.type.\(field.type.rawValue)")),
                "choices": .string((field.choices.isEmpty ? field.keys : field.choices).joined(separator: ", ")),
            ])
        })
    }

    private static func formValues(_ form: CrowdForm) -> LeafData {
        .dictionary(["name": .string(form.name ?? ""), "description": .string(form.description ?? ""),
                     "rule": .string(form.rule ?? "")])
    }

    private static func document(_ form: CrowdForm) -> JSONValue {
        var document: [String: JSONValue] = ["name": .string(form.name ?? ""), "rule": .string(form.rule ?? "")]
        if let description = form.description, !description.isEmpty { document["description"] = .string(description) }
        return .object(document)
    }

    private static func errors(_ invalid: ValidationError, rule: String, request: Request) -> [String: LeafData] {
        var errors: [String: LeafData] = [:]
        for error in invalid.errors {
            let input = String(error.field.prefix { $0 != "." && $0 != "[" })
            let message = error.code == "invalid_rule" ? request.invalidRuleText(rule, fallback: error.message)
                : CustomerEditForm.message(error, request: request)
            if errors[input] == nil { errors[input] = .string(message) }
        }
        return errors
    }

    private static func crowd(_ request: Request) async throws -> Crowd {
        guard let id = request.parameters.get("id"), id.count <= 64 else { throw Abort(.notFound) }
        return try await CrowdRepository(try request.store).find(id)
    }

    /// `+12` / `−3` / `±0` members since the start of the trend.
    static func change(from first: Int, to last: Int) -> String {
        let delta = last - first
        return delta > 0 ? "+\(delta.formatted())" : delta < 0 ? "−\((-delta).formatted())" : "±0"
    }
}
