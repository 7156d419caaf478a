import Foundation
import RapportCore
import RapportStore
import Vapor

/// `/api/v1/interactions` and `/api/v1/customers/{id}/interactions`: log calls, messages and visits, read them back.
struct InteractionsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post(APIPath.interactions, use: create)
        routes.get(APIPath.customers, APIPath.id, APIPath.interactions, use: list)
    }

    /// Without a `user_id`, the interaction is recorded as handled by the caller.
    @Sendable func create(request: Request) async throws -> Response {
        let principal = try request.principal
        try CustomersController.requireWrite(principal)
        var input = try request.rapport.interactionParser.parse(try await request.jsonBody())
        input.userID = input.userID ?? principal.userID
        let interaction = try await InteractionRepository(request.store, engine: request.rapport.lifecycle).record(
            input, visibleTo: AccessPolicy.visibility(for: principal), actor: principal.actor, source: .api)
        return try APIJSON.response(interaction.json, status: .created)
    }

    @Sendable func list(request: Request) async throws -> Response {
        let principal = try request.principal
        let limit = try request.pageLimit()
        let interactions = try await InteractionRepository(request.store, engine: request.rapport.lifecycle).list(
            of: try request.uuidParameter("id"), visibleTo: AccessPolicy.visibility(for: principal),
            after: try request.rowPosition(), limit: limit)
        let next = interactions.count == limit
            ? interactions.last.map { RowPosition(occurredAt: $0.input.occurredAt, id: $0.id).cursor } : nil
        return try APIJSON.response(PageDTO(items: interactions.map(\.json), nextCursor: next))
    }
}
