import FluentKit
import SQLKit

/// The audit log of security-relevant actions: data-subject exports and erasures now, and sign-ins, token changes
/// and permission denials as the web UI comes. Append-only; `detail` is JSON text and holds no personal data.
/// `target_id` is text, not a UUID, so that targets other than rows (a route, an e-mail domain) fit too. Read newest
/// first, hence the index on `at`.
struct M0017_CreateAuditLog: AsyncMigration {
    var name: String { "M0017_CreateAuditLog" }

    func prepare(on database: any Database) async throws {
        try await database.schema("audit_log")
            .id()
            .field("at", .datetime, .required)
            .field("actor_kind", .string, .required)
            .field("actor_id", .uuid)
            .field("action", .string, .required)
            .field("target_kind", .string)
            .field("target_id", .string)
            .field("detail", .string, .required)
            .create()
        try await (database as! any SQLDatabase).create(index: "audit_log_at").on("audit_log").column("at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("audit_log").delete()
    }
}
