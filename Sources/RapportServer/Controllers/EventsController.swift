import Foundation
import RapportCore
import RapportStore
import Vapor

/// `GET /api/v1/events?after=<seq>`: the global change feed, oldest first, for integrators to follow.
struct EventsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(APIPath.events, use: feed)
    }

    /// `next_cursor` is the `seq` to pass as `after` next time; it is null only when the page is empty, and then the
    /// caller keeps the `after` it has.
    @Sendable func feed(request: Request) async throws -> Response {
        let principal = try request.principal
        let limit = try request.pageLimit()
        var after: Int64 = 0
        if let text = request.query[String.self, at: "after"] {
            guard let value = Int64(text), value >= 0 else {
                throw Problem.badParameter("after", "expected the seq of the last event you have, 0 or more")
            }
            after = value
        }
        let events = try await EventLog(request.store).feed(
            after: after, limit: limit, visibleTo: AccessPolicy.visibility(for: principal))
        return try APIJSON.response(PageDTO(items: events.map(EventDTO.init), nextCursor: events.last.map { String($0.seq) }))
    }
}
