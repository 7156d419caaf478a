import FluentKit
import SQLKit

/// What the analytics engine derives: each customer's value (`customer_values`, one row per customer with a purchase,
/// keyed by number like `customer_stats`, with a digest of its values so that a run rewrites only the rows that
/// change), the fitted models (`value_models`, one row per fit, the newest in use) and the product affinities that
/// recommendations come from (`product_affinities`, replaced by each run).
struct M0012_CreateCustomerValues: AsyncMigration {
    var name: String { "M0012_CreateCustomerValues" }

    func prepare(on database: any Database) async throws {
        try await database.schema("customer_values")
            .field("number", .int64, .identifier(auto: false))
            .field("customer_id", .uuid, .required, .references("customers", "id"))
            .field("digest", .int64, .required)
            .field("repeat_days", .int64, .required)
            .field("days_first_to_last", .int64, .required)
            .field("days_observed", .int64, .required)
            .field("rfm_r", .int64, .required)
            .field("rfm_f", .int64, .required)
            .field("rfm_m", .int64, .required)
            .field("rfm_group", .string, .required)
            .field("abc", .string, .required)
            .field("tier", .string, .required)
            .field("p_alive", .double, .required)
            .field("expected_30", .double, .required)
            .field("expected_90", .double, .required)
            .field("expected_365", .double, .required)
            .field("expected_spend_minor", .int64, .required)
            .field("clv_minor", .int64, .required)
            .field("churn_risk", .double, .required)
            .field("value_at_risk_minor", .int64, .required)
            .field("churn_explanation", .string, .required)
            .field("frequency_shift", .string)
            .field("basket_shift", .string)
            .unique(on: "customer_id")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "customer_values_at_risk").on("customer_values")
            .column("value_at_risk_minor").column("number").run()
        try await database.schema("value_models")
            .field("id", .int64, .identifier(auto: true))
            .field("version", .int64, .required)
            .field("fitted_at", .datetime, .required)
            .field("as_of", .datetime, .required)
            .field("time_unit_days", .int64, .required)
            .field("customers", .int64, .required)
            .field("repeat_customers", .int64, .required)
            .field("r", .double, .required)
            .field("alpha", .double, .required)
            .field("a", .double, .required)
            .field("b", .double, .required)
            .field("bgnbd_log_likelihood", .double, .required)
            .field("p", .double)
            .field("q", .double)
            .field("gamma", .double)
            .field("gamma_gamma_log_likelihood", .double)
            .create()
        try await database.schema("product_affinities")
            .field("sku", .string, .required)
            .field("other_sku", .string, .required)
            .field("buyers_both", .int64, .required)
            .field("confidence", .double, .required)
            .field("lift", .double, .required)
            .compositeIdentifier(over: "sku", "other_sku")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("product_affinities").delete()
        try await database.schema("value_models").delete()
        try await database.schema("customer_values").delete()
    }
}
