import Foundation
import RapportCore
import RapportStore
import Vapor

/// `/api/v1/transactions` and `/api/v1/customers/{id}/transactions`: record purchases and refunds, read them back.
struct TransactionsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post(APIPath.transactions, use: create)
        routes.get(APIPath.transactions, APIPath.id, use: show)
        routes.get(APIPath.customers, APIPath.id, APIPath.transactions, use: list)
    }

    @Sendable func create(request: Request) async throws -> Response {
        let principal = try request.principal
        try CustomersController.requireWrite(principal)
        let input = try request.rapport.transactionParser.parse(try await request.jsonBody())
        let transaction = try await TransactionRepository(request.store, engine: request.rapport.lifecycle).record(
            input, visibleTo: AccessPolicy.visibility(for: principal), actor: principal.actor, source: .api)
        return try APIJSON.response(transaction.json(), status: .created,
                                    headers: ["Location": APIPath.transaction(transaction.id)])
    }

    @Sendable func show(request: Request) async throws -> Response {
        let principal = try request.principal
        let transaction = try await TransactionRepository(request.store, engine: request.rapport.lifecycle).find(
            try request.uuidParameter("id"), visibleTo: AccessPolicy.visibility(for: principal))
        return try APIJSON.response(transaction.json())
    }

    @Sendable func list(request: Request) async throws -> Response {
        let principal = try request.principal
        let limit = try request.pageLimit()
        let transactions = try await TransactionRepository(request.store, engine: request.rapport.lifecycle).list(
            of: try request.uuidParameter("id"), visibleTo: AccessPolicy.visibility(for: principal),
            after: try request.rowPosition(), limit: limit)
        let next = transactions.count == limit
            ? transactions.last.map { RowPosition(occurredAt: $0.occurredAt, id: $0.id).cursor } : nil
        return try APIJSON.response(PageDTO(items: transactions.map { $0.json() }, nextCursor: next))
    }
}

extension Request {
    /// The `cursor` of a list ordered by time and ID; nil on the first page.
    func rowPosition() throws -> RowPosition? {
        guard let cursor = query[String.self, at: "cursor"] else { return nil }
        guard let position = RowPosition(cursor: cursor) else {
            throw Problem.badParameter("cursor", "not a cursor this list gave out")
        }
        return position
    }
}
