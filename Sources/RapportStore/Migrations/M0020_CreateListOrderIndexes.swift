import FluentKit
import SQLKit

/// Indexes for the orders the customer list offers besides the newest number first: by name, by money spent and by
/// orders. Each ends with the number, the tie-breaker the list pages on, so a sorted page is read from the index
/// rather than sorted from a full scan (the list must answer in well under 200 ms on a million customers).
struct M0020_CreateListOrderIndexes: AsyncMigration {
    var name: String { "M0020_CreateListOrderIndexes" }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.create(index: "customers_name_number").on("customers").column("name").column("number").run()
        try await sql.create(index: "customer_stats_spent_number").on("customer_stats")
            .column("total_spent_minor").column("number").run()
        try await sql.create(index: "customer_stats_orders_number").on("customer_stats")
            .column("orders_count").column("number").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for name in ["customers_name_number", "customer_stats_spent_number", "customer_stats_orders_number"] {
            try await sql.drop(index: name).run()
        }
    }
}
