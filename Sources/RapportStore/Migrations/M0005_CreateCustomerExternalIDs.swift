import FluentKit

/// One row per (source system, ID) so that an external ID belongs to at most one customer.
struct M0005_CreateCustomerExternalIDs: AsyncMigration {
    var name: String { "M0005_CreateCustomerExternalIDs" }

    func prepare(on database: any Database) async throws {
        try await database.schema("customer_external_ids")
            .field("source", .string, .required)
            .field("external_id", .string, .required)
            .field("customer_id", .uuid, .required, .references("customers", "id"))
            .compositeIdentifier(over: "source", "external_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("customer_external_ids").delete()
    }
}
