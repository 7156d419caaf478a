import Foundation
import RapportCore
import RapportStore
import Vapor

extension CustomersController {
    /// `GET /api/v1/customers/{id}/events`: one customer's history, newest first.
    @Sendable func events(request: Request) async throws -> Response {
        let principal = try request.principal
        let id = try request.uuidParameter("id")
        let limit = try request.pageLimit()
        var family: EventFamily?
        if let text = request.query[String.self, at: "family"] {
            guard let value = EventFamily(rawValue: text) else {
                let options = EventFamily.allCases.map(\.rawValue).joined(separator: ", ")
                throw Problem.badParameter("family", "expected one of: \(options)")
            }
            family = value
        }
        var position: EventLog.TimelinePosition?
        if let cursor = request.query[String.self, at: "cursor"] {
            guard let decoded = EventLog.TimelinePosition(cursor: cursor) else {
                throw Problem.badParameter("cursor", "not a cursor this list gave out")
            }
            position = decoded
        }
        // Reading the customer first applies the caller's visibility: another agent's customer is a 404.
        _ = try await CustomerRepository(request.store).find(id, visibleTo: AccessPolicy.visibility(for: principal))
        let events = try await EventLog(request.store).timeline(of: id, family: family, after: position, limit: limit)
        let next = events.count == limit ? events.last.map { EventLog.TimelinePosition(after: $0).cursor } : nil
        return try APIJSON.response(PageDTO(items: events.map(EventDTO.init), nextCursor: next))
    }
}
