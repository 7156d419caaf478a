import FluentKit
import SQLKit

/// Covering indexes for the dashboard's monthly sums: net revenue from transactions and the quality of rated
/// interactions, per month. Read from these, a year of either is summed from an index range rather than from a scan
/// of every row (interactions carry their notes, which makes their rows long).
struct M0021_CreateDashboardIndexes: AsyncMigration {
    var name: String { "M0021_CreateDashboardIndexes" }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.create(index: "transactions_month_sums").on("transactions")
            .column("occurred_at").column("kind").column("amount_minor").column("customer_id").run()
        try await sql.create(index: "interactions_month_quality").on("interactions")
            .column("occurred_at").column("quality").column("customer_id").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.drop(index: "transactions_month_sums").run()
        try await sql.drop(index: "interactions_month_quality").run()
    }
}
