import Foundation
import RapportCore
import RapportStore
import Vapor

/// `GET /api/v1/products`: the catalogue upserted from transaction lines, by SKU.
struct ProductsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(APIPath.products, use: list)
    }

    @Sendable func list(request: Request) async throws -> Response {
        _ = try request.principal
        let limit = try request.pageLimit()
        var after: String?
        if let cursor = request.query[String.self, at: "cursor"] {
            guard let data = Data(base64Encoded: cursor), let sku = String(data: data, encoding: .utf8) else {
                throw Problem.badParameter("cursor", "not a cursor this list gave out")
            }
            after = sku
        }
        let category = request.query[String.self, at: "category"]
        let products = try await ProductRepository(request.store).list(category: category, after: after, limit: limit)
        let next = products.count == limit ? products.last.map { Data($0.sku.utf8).base64EncodedString() } : nil
        return try APIJSON.response(PageDTO(items: products.map(Self.json), nextCursor: next))
    }

    static func json(_ product: Product) -> JSONValue {
        .object([
            "sku": .string(product.sku), "name": .string(product.name),
            "category": product.category.map(JSONValue.string) ?? .null,
            "first_sold_at": .string(RFC3339.format(product.firstSoldAt)),
            "last_sold_at": .string(RFC3339.format(product.lastSoldAt)),
        ])
    }
}
