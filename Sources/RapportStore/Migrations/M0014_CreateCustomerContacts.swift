import FluentKit
import SQLKit

/// Every customer's normalised e-mail addresses and phone numbers, one row each, indexed by value: an import matches
/// its rows to existing customers by them, and duplicate detection blocks on them, without reading documents.
/// Kept in the same transaction as each write that changes a customer's contact points.
struct M0014_CreateCustomerContacts: AsyncMigration {
    var name: String { "M0014_CreateCustomerContacts" }

    func prepare(on database: any Database) async throws {
        try await database.schema("customer_contacts")
            .field("kind", .string, .required)
            .field("value", .string, .required)
            .field("customer_id", .uuid, .required, .references("customers", "id"))
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "customer_contacts_value").on("customer_contacts").column("kind").column("value")
            .run()
        try await sql.create(index: "customer_contacts_customer").on("customer_contacts").column("customer_id").run()
        try await CustomerContacts.rebuild(on: sql)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("customer_contacts").delete()
    }
}
