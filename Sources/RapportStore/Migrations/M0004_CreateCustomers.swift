import FluentKit
import SQLKit

/// Customers as they stand now; their history is in `customer_events`.
///
/// `document` holds every user-settable field as JSON text (the same JSON on SQLite and PostgreSQL: PostgresKit would
/// bind Swift arrays as native arrays, not JSON). The scalar columns beside it repeat the fields that lists filter,
/// sort and search on, so those queries use indexes instead of parsing JSON.
struct M0004_CreateCustomers: AsyncMigration {
    var name: String { "M0004_CreateCustomers" }

    func prepare(on database: any Database) async throws {
        try await database.schema("customers")
            .id()
            .field("number", .int64, .required)
            .field("kind", .string, .required)
            .field("name", .string, .required)
            .field("owner_id", .uuid, .references("users", "id"))
            .field("team", .string)
            .field("source", .string)
            .field("birthday", .string)
            .field("document", .string, .required)
            .field("search_text", .string, .required)
            .field("version", .int64, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("archived_at", .datetime)
            .unique(on: "number")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "customers_owner_id").on("customers").column("owner_id").run()
        try await sql.create(index: "customers_team").on("customers").column("team").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("customers").delete()
    }
}
