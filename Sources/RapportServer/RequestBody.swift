import Foundation
import RapportCore
import Vapor

extension Request {
    /// The body as a JSON document, checked for media type, size, UTF-8 and syntax.
    /// - Parameter mediaTypes: accepted `Content-Type`s (`application/json` by default).
    /// - Throws: 415 for another media type, 413 when too large, 400 when it is not JSON.
    func jsonBody(accepting mediaTypes: [HTTPMediaType] = [.json]) async throws -> JSONValue {
        guard let contentType = headers.contentType,
            mediaTypes.contains(where: { $0.type == contentType.type && $0.subType == contentType.subType })
        else {
            let accepted = mediaTypes.map { "\($0.type)/\($0.subType)" }.joined(separator: " or ")
            throw Problem(.unsupportedMediaType, type: ProblemType.malformedBody,
                          detail: "send the body as \(accepted)")
        }
        let buffer = try await collectedBody()
        do {
            return try JSONValue.parse(Data(buffer: buffer))
        } catch {
            throw Problem(.badRequest, type: ProblemType.malformedBody, detail: error.message)
        }
    }

    /// The whole body, up to the size limit, kept on the request for whoever reads it next.
    ///
    /// Vapor's `collect(max:)`, not NIO's `AsyncSequence.collect(upTo:)`: the latter drains a streamed body without
    /// keeping it, and the route that reads the body afterwards then waits forever for bytes that never come.
    func collectedBody() async throws -> ByteBuffer {
        try await body.collect(max: application.routes.defaultMaxBodySize.value).get() ?? ByteBuffer()
    }

    /// The `limit` query parameter: 1 to 200, 50 when absent.
    func pageLimit() throws -> Int {
        guard let text = query[String.self, at: "limit"] else { return 50 }
        guard let limit = Int(text), (1...200).contains(limit) else {
            throw Problem.badParameter("limit", "expected a whole number from 1 to 200")
        }
        return limit
    }

    /// The `cursor` of a customer list (the last number of the previous page); nil on the first page.
    func customerCursor() throws -> CustomerNumber? {
        guard let cursor = query[String.self, at: "cursor"] else { return nil }
        guard let values = PageCursor.decode(cursor, count: 1) else {
            throw Problem.badParameter("cursor", "not a cursor this list gave out")
        }
        return CustomerNumber(values[0])
    }

    /// The `as_of` query parameter, an RFC 3339 time; nil when absent.
    func asOfParameter() throws -> Date? {
        guard let text = query[String.self, at: "as_of"] else { return nil }
        guard let instant = RFC3339.parse(text) else {
            throw Problem.badParameter("as_of", "expected an RFC 3339 time such as 2026-01-31T09:00:00Z")
        }
        return instant
    }

    /// A UUID path parameter; an ID that is not a UUID names no resource, so it is a 404.
    func uuidParameter(_ name: String) throws -> UUID {
        guard let text = parameters.get(name), let id = UUIDText.parse(text) else {
            throw Problem(.notFound, type: ProblemType.notFound, detail: "no such resource")
        }
        return id
    }
}
