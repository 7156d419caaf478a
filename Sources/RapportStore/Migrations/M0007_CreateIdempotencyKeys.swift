import FluentKit

/// Responses to `POST` requests sent with an `Idempotency-Key`, replayed when the same request comes again.
struct M0007_CreateIdempotencyKeys: AsyncMigration {
    var name: String { "M0007_CreateIdempotencyKeys" }

    func prepare(on database: any Database) async throws {
        try await database.schema("idempotency_keys")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("key", .string, .required)
            .field("request_hash", .string, .required)
            .field("status", .int, .required)
            .field("response_headers", .string, .required)
            .field("response_body", .data)
            .field("created_at", .datetime, .required)
            .unique(on: "user_id", "key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("idempotency_keys").delete()
    }
}
