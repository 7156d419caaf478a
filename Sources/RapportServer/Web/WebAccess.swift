import Foundation
import RapportCore
import RapportStore
import Vapor

extension Request {
    /// The signed-in user as a principal; pages behind `RequireSignIn` always have one.
    func requirePrincipal() throws -> Principal {
        guard let principal = webPrincipal else { throw Abort(.unauthorized) }
        return principal
    }

    /// Refuses what the user's role does not allow, and audit-logs the refusal as the API does: a page that is
    /// refused is as security-relevant as an API call that is.
    /// - Parameter operation: what was attempted, as the audit log's `detail.operation` (`crowd.create`, …).
    func requirePermission(_ allowed: Bool, operation: String, principal: Principal) async throws {
        guard !allowed else { return }
        _ = try await AuditLog(store).append(NewAuditEntry(
            actor: principal.actor, action: .permissionDenied, detail: ["operation": .string(operation),
                                                                        "via": .string("web")]))
        throw Abort(.forbidden, reason: text("error.forbidden"))
    }

    /// Refuses a posted form without this session's CSRF token.
    func requireCSRFToken() throws {
        guard hasValidCSRFToken() else { throw Abort(.forbidden, reason: text("error.csrf")) }
    }
}
