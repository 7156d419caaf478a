import FluentKit

/// The product catalogue 商品目录, upserted from transaction lines by SKU.
struct M0008_CreateProducts: AsyncMigration {
    var name: String { "M0008_CreateProducts" }

    func prepare(on database: any Database) async throws {
        try await database.schema("products")
            .field("sku", .string, .identifier(auto: false))
            .field("name", .string, .required)
            .field("category", .string)
            .field("first_sold_at", .datetime, .required)
            .field("last_sold_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("products").delete()
    }
}
