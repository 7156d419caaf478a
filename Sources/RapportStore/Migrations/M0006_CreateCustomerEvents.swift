import FluentKit
import SQLKit

/// The append-only change log. `seq` is assigned from the `event_seq` counter, never by the database; old and new
/// values are JSON text.
struct M0006_CreateCustomerEvents: AsyncMigration {
    var name: String { "M0006_CreateCustomerEvents" }

    func prepare(on database: any Database) async throws {
        try await database.schema("customer_events")
            .field("seq", .int64, .identifier(auto: false))
            .field("customer_id", .uuid, .required, .references("customers", "id"))
            .field("family", .string, .required)
            .field("kind", .string, .required)
            .field("field", .string)
            .field("old_value", .string)
            .field("new_value", .string)
            .field("actor_kind", .string, .required)
            .field("actor_id", .uuid)
            .field("source", .string, .required)
            .field("occurred_at", .datetime, .required)
            .field("recorded_at", .datetime, .required)
            .create()
        try await (database as! any SQLDatabase).create(index: "customer_events_timeline")
            .on("customer_events").column("customer_id").column("occurred_at").column("seq").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("customer_events").delete()
    }
}
