import FluentKit
import SQLKit

/// Purchases and refunds 交易. Money is integer minor units; `lines` is the JSON array of lines. `source` is the
/// customer's source system when the transaction was recorded (empty when it has none): an `external_id` is unique
/// within it, so a re-sent transaction is recognised.
struct M0009_CreateTransactions: AsyncMigration {
    var name: String { "M0009_CreateTransactions" }

    func prepare(on database: any Database) async throws {
        try await database.schema("transactions")
            .id()
            .field("customer_id", .uuid, .required, .references("customers", "id"))
            .field("source", .string, .required)
            .field("external_id", .string)
            .field("kind", .string, .required)
            .field("occurred_at", .datetime, .required)
            .field("recorded_at", .datetime, .required)
            .field("currency", .string, .required)
            .field("amount_minor", .int64, .required)
            .field("refunded_minor", .int64, .required)
            .field("channel", .string)
            .field("refund_of", .uuid, .references("transactions", "id"))
            .field("lines", .string, .required)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "transactions_external_id").unique().on("transactions")
            .column("source").column("external_id").run()
        try await sql.create(index: "transactions_customer").on("transactions")
            .column("customer_id").column("occurred_at").column("id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("transactions").delete()
    }
}
