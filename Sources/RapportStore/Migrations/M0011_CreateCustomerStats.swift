import FluentKit
import SQLKit

/// What Rapport derives about each customer, kept current in the same transaction as the write that changes it:
/// purchase aggregates, recent interactions and the lifecycle stage.
///
/// A table of its own, one narrow row per customer keyed by the customer's number (on SQLite the rowid, so rows lie
/// in number order): a full recompute reads and rewrites these rows, not the customers' documents, which are ten
/// times larger. `purchase_days` (day numbers) is what the lifecycle rules need, so the recompute reads nothing else.
/// `stage_periods` holds the stages each customer has left, as intervals (the current one is in `customer_stats`),
/// so "how many customers were in each stage on a past date" is one query instead of a replay of events, and a
/// stage change only appends rows.
struct M0011_CreateCustomerStats: AsyncMigration {
    var name: String { "M0011_CreateCustomerStats" }

    func prepare(on database: any Database) async throws {
        try await database.schema("customer_stats")
            .field("number", .int64, .identifier(auto: false))
            .field("customer_id", .uuid, .required, .references("customers", "id"))
            .field("stage", .string, .required)
            .field("stage_since", .datetime, .required)
            .field("stage_rule", .string, .required)
            .field("stage_reason", .string, .required)
            .field("stage_overridden", .bool, .required)
            .field("first_purchase_at", .datetime)
            .field("last_purchase_at", .datetime)
            .field("orders_count", .int64, .required)
            .field("total_spent_minor", .int64, .required)
            .field("purchase_days", .string, .required)
            .field("last_interaction_at", .datetime)
            .field("interactions_90d", .string, .required)
            .unique(on: "customer_id")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "customer_stats_stage").on("customer_stats").column("stage").run()
        // Customers from before this migration have bought nothing: prospects since they were created.
        try await sql.raw("""
            INSERT INTO customer_stats (number, customer_id, stage, stage_since, stage_rule, stage_reason, \
            stage_overridden, orders_count, total_spent_minor, purchase_days, interactions_90d) \
            SELECT number, id, 'prospect', created_at, 'no_purchase', 'no purchase yet', \(bind: false), 0, 0, '', '' \
            FROM customers
            """).run()
        try await database.schema("stage_periods")
            .field("customer_id", .uuid, .required, .references("customers", "id"))
            .field("stage", .string, .required)
            .field("since", .datetime, .required)
            .field("until", .datetime, .required)
            .field("rule", .string, .required)
            .field("reason", .string, .required)
            .create()
        try await sql.create(index: "stage_periods_customer").on("stage_periods").column("customer_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("stage_periods").delete()
        try await database.schema("customer_stats").delete()
    }
}
