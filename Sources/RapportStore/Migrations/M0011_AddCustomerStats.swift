import FluentKit
import SQLKit

/// What Rapport derives about each customer, kept current in the same transaction as the write that changes it:
/// purchase aggregates, recent interactions and the lifecycle stage. `purchase_days` (day numbers) is what the
/// lifecycle rules need, so a full recompute reads one table. `stage_periods` holds each customer's stages as
/// intervals, so "how many customers were in each stage on a past date" is one indexed query instead of a replay.
struct M0011_AddCustomerStats: AsyncMigration {
    var name: String { "M0011_AddCustomerStats" }

    func prepare(on database: any Database) async throws {
        let columns: [(String, DatabaseSchema.DataType, [DatabaseSchema.FieldConstraint])] = [
            ("stage", .string, [.required, .sql(.default("prospect"))]),
            ("stage_since", .datetime, []),
            ("stage_rule", .string, []),
            ("stage_reason", .string, []),
            ("stage_overridden", .bool, [.required, .sql(.default(false))]),
            ("first_purchase_at", .datetime, []),
            ("last_purchase_at", .datetime, []),
            ("orders_count", .int64, [.required, .sql(.default(0))]),
            ("total_spent_minor", .int64, [.required, .sql(.default(0))]),
            ("purchase_days", .string, [.required, .sql(.default(""))]),
            ("last_interaction_at", .datetime, []),
            ("interactions_90d", .string, [.required, .sql(.default(""))]),
        ]
        // SQLite adds one column per ALTER TABLE.
        for (name, type, constraints) in columns {
            try await database.schema("customers").field(.definition(name: .key(.string(name)), dataType: type,
                                                                     constraints: constraints)).update()
        }
        let sql = database as! any SQLDatabase
        try await sql.create(index: "customers_stage").on("customers").column("stage").run()
        try await database.schema("stage_periods")
            .field("customer_id", .uuid, .required, .references("customers", "id"))
            .field("stage", .string, .required)
            .field("since", .datetime, .required)
            .field("until", .datetime)
            .field("rule", .string, .required)
            .field("reason", .string, .required)
            .create()
        try await sql.create(index: "stage_periods_customer").on("stage_periods").column("customer_id").column("until")
            .run()
        try await sql.create(index: "stage_periods_since").on("stage_periods").column("since").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("stage_periods").delete()
        let sql = database as! any SQLDatabase
        try await sql.drop(index: "customers_stage").run()
        for name in ["stage", "stage_since", "stage_rule", "stage_reason", "stage_overridden", "first_purchase_at",
                     "last_purchase_at", "orders_count", "total_spent_minor", "purchase_days", "last_interaction_at",
                     "interactions_90d"] {
            try await database.schema("customers").deleteField(.key(.string(name))).update()
        }
    }
}
