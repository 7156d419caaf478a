import FluentKit
import SQLKit

/// The customers' numbers with their archiving time: a filtered customer list (newest first) walks this index and
/// reads a customer's row only when its other conditions hold, instead of reading every row it passes over.
struct M0022_CreateCustomerScanIndex: AsyncMigration {
    var name: String { "M0022_CreateCustomerScanIndex" }

    func prepare(on database: any Database) async throws {
        try await (database as! any SQLDatabase).create(index: "customers_number_archived").on("customers")
            .column("number").column("archived_at").run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).drop(index: "customers_number_archived").run()
    }
}
