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
        var names: [UUID: String] = [:]
        for id in Set(entries.compactMap(\.entry.actor.id)) {
            names[id] = try await UserRepository(store).find(id: id)?.displayName
        }
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
                "target": .string([entry.targetKind, entry.targetID].compactMap { $0 }.joined(separator: " ")),
                "targetLink": .string(entry.targetKind == "customer" ? entry.targetID ?? "" : ""),
                "detail": .string(CustomerEditForm.plain(entry.detail == .object([:]) ? nil : entry.detail)),
            ])
        })
        if entries.count == Self.pageSize, let last = entries.last {
            page["next"] = .string("\(Int64((last.at.timeIntervalSince1970 * 1000).rounded()))_\(UUIDText.format(last.id))")
        }
        return try await page.response(for: request)
    }
}
