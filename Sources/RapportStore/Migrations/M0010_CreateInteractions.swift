import FluentKit
import SQLKit

/// Interactions 互动: calls, messages, visits. Indexed by customer for timelines and by time for the 90-day counts
/// that a recompute refreshes.
struct M0010_CreateInteractions: AsyncMigration {
    var name: String { "M0010_CreateInteractions" }

    func prepare(on database: any Database) async throws {
        try await database.schema("interactions")
            .id()
            .field("customer_id", .uuid, .required, .references("customers", "id"))
            .field("channel", .string, .required)
            .field("direction", .string, .required)
            .field("occurred_at", .datetime, .required)
            .field("recorded_at", .datetime, .required)
            .field("subject", .string, .required)
            .field("notes", .string)
            .field("outcome", .string)
            .field("duration_seconds", .int64)
            .field("quality", .int64)
            .field("user_id", .uuid, .references("users", "id"))
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "interactions_customer").on("interactions")
            .column("customer_id").column("occurred_at").column("id").run()
        try await sql.create(index: "interactions_occurred_at").on("interactions").column("occurred_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("interactions").delete()
    }
}
