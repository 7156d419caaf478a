import Foundation
import Leaf
import RapportCore
import RapportStore
import Vapor

/// The duplicate review queue 重复客户: pairs the scanner found, best score first, each shown side by side with the
/// scanner's reasons; merge, dismiss, and undo a merge. For admins and managers, as in the API: merging works on any
/// customer's record. Conflicts (a pair decided meanwhile, a merged customer changed since) come back as a message
/// on the queue, not an error page.
struct DuplicatesPageController: RouteCollection {
    static let pageSize = 20

    func boot(routes: any RoutesBuilder) throws {
        routes.get("duplicates", use: queue)
        routes.post("duplicates", "scan", use: scan)
        routes.post("duplicates", ":id", "merge", use: merge)
        routes.post("duplicates", ":id", "dismiss", use: dismiss)
        routes.post("duplicates", "merges", ":id", "undo", use: undo)
    }

    struct Query: Content {
        var status: String?
        var after: String?
    }

    @Sendable func queue(request: Request) async throws -> Response {
        try await Self.reviewer(request, operation: "duplicates.view")
        let query = try request.query.decode(Query.self)
        return try await Self.page(request, status: query.status, after: query.after).response(for: request)
    }

    @Sendable func scan(request: Request) async throws -> Response {
        let principal = try await Self.reviewer(request, operation: "duplicates.scan")
        try request.requireCSRFToken()
        let report = try await DuplicateRepository(try request.store).scan(
            minScore: DuplicateScorer.defaultThreshold, autoMergeAt: request.rapport.settings.dedupeAutoMerge,
            actor: principal.actor)
        var page = try await Self.page(request, status: nil, after: nil)
        page["message"] = .string(request.text("duplicates.scanned", [
            report.customers.formatted(), report.pairs.count.formatted(), report.added.formatted(),
        ]))
        return try await page.response(for: request)
    }

    @Sendable func merge(request: Request) async throws -> Response {
        let principal = try await Self.reviewer(request, operation: "customer.merge")
        try request.requireCSRFToken()
        return try await Self.decide(request) {
            let record = try await CustomerMerger(try request.store).merge(candidate: try Self.id(request),
                                                                           actor: principal.actor, source: .ui)
            return request.text("duplicates.merged_message", [try await Self.number(record.survivorID, request)])
        }
    }

    @Sendable func dismiss(request: Request) async throws -> Response {
        let principal = try await Self.reviewer(request, operation: "duplicates.dismiss")
        try request.requireCSRFToken()
        return try await Self.decide(request) {
            _ = try await DuplicateRepository(try request.store).dismiss(try Self.id(request), actor: principal.actor)
            return request.text("duplicates.dismissed_message")
        }
    }

    @Sendable func undo(request: Request) async throws -> Response {
        let principal = try await Self.reviewer(request, operation: "customer.merge.undo")
        try request.requireCSRFToken()
        return try await Self.decide(request) {
            _ = try await CustomerMerger(try request.store).undo(try Self.id(request), actor: principal.actor)
            return request.text("duplicates.undone_message")
        }
    }

    // MARK: - Helpers

    /// Runs a decision and shows the queue with its outcome; a conflict is said on the page (409).
    private static func decide(_ request: Request, _ action: () async throws -> String) async throws -> Response {
        let status = (try? request.content.get(String.self, at: "status")).flatMap { $0.isEmpty ? nil : $0 }
        do {
            let message = try await action()
            var page = try await page(request, status: status, after: nil)
            page["message"] = .string(message)
            return try await page.response(for: request)
        } catch StoreError.conflict(let reason) {
            var page = try await page(request, status: status, after: nil)
            page["problem"] = .string(request.text("duplicates.conflict", [reason]))
            return try await page.response(for: request, status: .conflict)
        }
    }

    @discardableResult
    private static func reviewer(_ request: Request, operation: String) async throws -> Principal {
        let principal = try request.requirePrincipal()
        try await request.requirePermission(AccessPolicy.canMergeCustomers(principal), operation: operation,
                                            principal: principal)
        return principal
    }

    private static func id(_ request: Request) throws -> UUID {
        guard let id = request.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw Abort(.notFound) }
        return id
    }

    private static func number(_ id: UUID, _ request: Request) async throws -> String {
        try await CustomerRepository(try request.store).find([id])[id]?.number.description ?? ""
    }

    private static func page(_ request: Request, status text: String?, after: String?) async throws -> WebPage {
        guard let status = DuplicateCandidate.Status(rawValue: text ?? "open") else { throw Abort(.badRequest) }
        var position: (score: Double, id: UUID)?
        if let after {
            let parts = after.split(separator: "_")
            guard parts.count == 2, let bits = UInt64(parts[0]), let id = UUID(uuidString: String(parts[1])) else {
                throw Abort(.badRequest)
            }
            position = (Double(bitPattern: bits), id)
        }
        let store = try request.store
        let candidates = try await DuplicateRepository(store).list(status: status, after: position, limit: pageSize)
        let customers = try await CustomerRepository(store).find(candidates.flatMap { [$0.firstID, $0.secondID] })
        let currency = request.rapport.settings.baseCurrency
        let language = request.webLanguage
        var page = WebPage("duplicates", section: "duplicates")
        page["status"] = .string(status.rawValue)
        let statuses: [DuplicateCandidate.Status] = [.open, .merged, .dismissed]
        page["tabs"] = .array(statuses.map(\.rawValue).map { key in
            .dictionary(["key": .string(key), "label": .string(request.text("duplicates.status.\(key)"))])
        })
        page["pairs"] = .array(try candidates.compactMap { candidate -> LeafData? in
            guard let first = customers[candidate.firstID], let second = customers[candidate.secondID] else {
                return nil
            }
            let a = try first.decoded(), b = try second.decoded()
            func line(_ key: String, _ left: String, _ right: String) -> LeafData {
                .dictionary(["label": .string(request.text(key)), "left": .string(left), "right": .string(right),
                             "differs": .bool(left != right)])
            }
            let joiner = language == .chinese ? "、" : ", "
            func place(_ customer: Customer) -> String {
                customer.fields.addresses.map { address in
                    [address.province, address.city, address.district, address.street].compactMap { $0 }
                        .joined(separator: " ")
                }.joined(separator: joiner)
            }
            return .dictionary([
                "id": .string(UUIDText.format(candidate.id)),
                "score": .string(candidate.score.formatted(.percent.precision(.fractionLength(0)))),
                "reasons": .array(candidate.reasons.map { .string(request.explanation($0)) }),
                "mergeID": .string(candidate.mergeID.map { UUIDText.format($0) } ?? ""),
                "decided": .string(candidate.decidedAt.map { WebFormat.time($0, in: language) } ?? ""),
                "leftID": .string(UUIDText.format(first.id)), "rightID": .string(UUIDText.format(second.id)),
                "lines": .array([
                    line("customers.number", first.number.description, second.number.description),
                    line("customers.name", a.fields.name, b.fields.name),
                    line("customer.phones", a.fields.phones.map(\.number).joined(separator: joiner),
                         b.fields.phones.map(\.number).joined(separator: joiner)),
                    line("customer.emails", a.fields.emails.map(\.address).joined(separator: joiner),
                         b.fields.emails.map(\.address).joined(separator: joiner)),
                    line("customer.addresses", place(a), place(b)),
                    line("customer.birthday", a.fields.birthday?.description ?? "", b.fields.birthday?.description ?? ""),
                    line("customers.stage", request.text("stage.\(first.stats.stage.stage.rawValue)"),
                         request.text("stage.\(second.stats.stage.stage.rawValue)")),
                    line("customers.orders", first.stats.purchases.ordersCount.formatted(),
                         second.stats.purchases.ordersCount.formatted()),
                    line("customers.spent",
                         MoneyText.exact(minor: first.stats.purchases.totalSpentMinor, currency: currency),
                         MoneyText.exact(minor: second.stats.purchases.totalSpentMinor, currency: currency)),
                    line("customer.created", WebFormat.day(first.createdAt, in: language),
                         WebFormat.day(second.createdAt, in: language)),
                ]),
            ])
        })
        if candidates.count == pageSize, let last = candidates.last {
            page["next"] = .string("\(last.score.bitPattern)_\(UUIDText.format(last.id))")
        }
        return page
    }
}
