import FluentKit
import Foundation
import SQLKit

/// A product in the catalogue, as upserted from transaction lines.
public struct Product: Equatable, Sendable {
    public let sku: String
    public let name: String
    public let category: String?
    public let firstSoldAt: Date
    public let lastSoldAt: Date
}

/// Reads the product catalogue 商品目录.
public struct ProductRepository: Sendable {
    let store: RapportDatabase

    /// Wraps the database.
    public init(_ store: RapportDatabase) {
        self.store = store
    }

    /// A page of products by SKU, optionally of one category.
    /// - Parameter after: the previous page's last SKU.
    public func list(category: String?, after: String?, limit: Int) async throws -> [Product] {
        let query = (store.database as! any SQLDatabase).select()
            .columns("sku", "name", "category", "first_sold_at", "last_sold_at").from("products")
        if let category { query.where("category", .equal, category) }
        if let after { query.where("sku", .greaterThan, after) }
        return try await query.orderBy("sku").limit(limit).all().map { row in
            Product(
                sku: try row.decode(column: "sku", as: String.self), name: try row.decode(column: "name", as: String.self),
                category: try row.decode(column: "category", as: String?.self),
                firstSoldAt: try row.decode(column: "first_sold_at", as: Date.self),
                lastSoldAt: try row.decode(column: "last_sold_at", as: Date.self))
        }
    }
}
