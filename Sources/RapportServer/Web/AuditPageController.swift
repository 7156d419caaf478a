import Foundation
import Leaf
import RapportCore
import RapportStore
import Vapor

/// The audit log, for administrators: sign-ins and their failures, token and user changes, exports, erasures and
/// refused actions, newest first, one action or all, fifty to a page.
struct AuditPageController: RouteCollection {
    static let pageSize = 50
    /// The actions the filter offers; others (from later features) show under "all".
    static let actions: [AuditAction] = [
        .signedIn, .signInFailed, .signInThrottled, .signedOut, .userCreated, .userChanged, .tokenCreated,
        .tokenRevoked, .dataExported, .customerExported, .customerErased, .permissionDenied,
    ]

    func boot(routes: any RoutesBuilder) throws {
        routes.get("audit", use: show)
    }

    struct Query: Content {
        var action: String?
        var after: String?
    }

    @Sendable func show(request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        try await request.requirePermission(AccessPolicy.canAdminister(principal), operation: "audit.view",
                                            principal: principal)
        let query = try request.query.decode(Query.self)
        let action = query.action.flatMap { $0.isEmpty ? nil : AuditAction(rawValue: $0) }
        if let action, !Self.actions.contains(action) { throw Abort(.badRequest) }
        var position: AuditLog.Position?
        if let after = query.after {
            let parts = after.split(separator: "_")
            guard parts.count == 2, let milliseconds = Double(parts[0]), let id = UUID(uuidString: String(parts[1]))
            else { throw Abort(.badRequest) }
            position = AuditLog.Position(at: Date(timeIntervalSince1970: milliseconds / 1000), id: id)
        }
        let store = try request.store
        let entries = try await AuditLog(store).list(action: action, after: position, limit: Self.pageSize)
        let targetUsers = entries.compactMap { stored in
            stored.entry.targetKind == "user" ? stored.entry.targetID.flatMap { UUID(uuidString: $0) } : nil
        }
        let names = try await UserRepository(store).find(ids: Set(entries.compactMap(\.entry.actor.id) + targetUsers))
            .mapValues(\.displayName)
        let language = request.webLanguage
        var page = WebPage("audit", section: "audit")
        page["action"] = .string(action?.rawValue ?? "")
        page["actions"] = .array(Self.actions.map { action in
            .dictionary(["key": .string(action.rawValue), "label": .string(request.text("audit.\(action.rawValue)"))])
        })
        page["entries"] = .array(entries.map { stored in
            let entry = stored.entry
            let actor = entry.actor.id.flatMap { names[$0] }
                ?? request.text("actor.\(entry.actor.kind.rawValue)")
            return .dictionary([
                "when": .string(WebFormat.time(stored.at, in: language)),
                "actor": .string(actor),
                "action": .string(Self.actions.contains(entry.action) ? request.text("audit.\(entry.action.rawValue)")
                                  : entry.action.rawValue),
                "denied": .bool(entry.action == .permissionDenied),
                "target": .string(Self.target(entry, names: names, request: request)),
                "targetLink": .string(entry.targetKind == "customer" ? entry.targetID ?? "" : ""),
                "detail": .array(Self.detail(entry.detail, request: request)),
            ])
        })
        if entries.count == Self.pageSize, let last = entries.last {
            page["next"] = .string("\(Int64((last.at.timeIntervalSince1970 * 1000).rounded()))_\(UUIDText.format(last.id))")
        }
        return try await page.response(for: request)
    }

    /// What an entry is about: its kind in the page's language, and a user's name rather than their ID.
    private static func target(_ entry: NewAuditEntry, names: [UUID: String], request: Request) -> String {
        guard let kind = entry.targetKind else { return "" }
        let label = request.said("audit.target.\(kind)", otherwise: kind)
        let id = entry.targetID ?? ""
        let shown = kind == "user" ? UUID(uuidString: id).flatMap { names[$0] } ?? id : id
        return [label, shown].filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// An entry's details as `label: value` lines: the keys and the values Rapport writes in the page's language
    /// (`audit.detail.<key>`, `audit.value.<value>`, roles), anything else as stored.
    private static func detail(_ detail: JSONValue, request: Request) -> [LeafData] {
        guard let members = detail.objectValue else {
            return detail == .null ? [] : [.string(CustomerEditForm.plain(detail))]
        }
        return members.keys.sorted().map { key in
            let value = members[key] ?? .null
            let shown: String
            switch value {
            case .null: shown = "—"
            case .bool(let flag): shown = request.text(flag ? "audit.value.true" : "audit.value.false")
            case .number(let number): shown = number.rounded() == number ? Int(number).formatted() : "\(number)"
            case .string(let text) where key == "role": shown = request.said("role.\(text)", otherwise: text)
            case .string(let text) where key == "operation": shown = request.said("audit.\(text)", otherwise: text)
            case .string(let text): shown = request.said("audit.value.\(text)", otherwise: text)
            default: shown = CustomerEditForm.plain(value)
            }
            return .string(request.text("audit.detail.line", [request.said("audit.detail.\(key)", otherwise: key), shown]))
        }
    }
}
