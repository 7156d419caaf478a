import FluentKit
import SQLKit

/// What the web UI keeps: its sign-in sessions, the failed sign-ins that throttle guessing, and each user's choice of
/// language. A session is known by the SHA-256 of its cookie's secret, so a copy of the table signs no one in; it
/// carries the CSRF token of its forms. Failures are looked up by account and address within a window, hence the
/// index.
struct M0019_CreateWebSessions: AsyncMigration {
    var name: String { "M0019_CreateWebSessions" }

    func prepare(on database: any Database) async throws {
        try await database.schema("web_sessions")
            .field("secret_hash", .string, .identifier(auto: false))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("csrf_token", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .create()
        try await database.schema("sign_in_failures")
            .id()
            .field("account", .string, .required)
            .field("address", .string, .required)
            .field("at", .datetime, .required)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "sign_in_failures_account_address").on("sign_in_failures")
            .column("account").column("address").column("at").run()
        try await sql.create(index: "web_sessions_user").on("web_sessions").column("user_id").run()
        try await database.schema("users").field("locale", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("users").deleteField("locale").update()
        try await database.schema("sign_in_failures").delete()
        try await database.schema("web_sessions").delete()
    }
}
