import FluentKit
import SQLKit

/// API tokens: only a SHA-256 hash of each is kept; a name is unique among a user's live tokens.
struct M0002_CreateAPITokens: AsyncMigration {
    var name: String { "M0002_CreateAPITokens" }

    func prepare(on database: any Database) async throws {
        try await database.schema("api_tokens")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("name", .string, .required)
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_used_at", .datetime)
            .field("revoked_at", .datetime)
            .unique(on: "token_hash")
            .create()
        // A partial index lets a revoked token's name be used again; both SQLite and PostgreSQL support it.
        try await (database as! any SQLDatabase).raw("""
            CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (user_id, name) WHERE revoked_at IS NULL
            """).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("api_tokens").delete()
    }
}
