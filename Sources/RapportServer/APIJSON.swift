import Foundation
import RapportCore
import Vapor

/// How the API writes and reads JSON: snake_case keys come from each DTO's `CodingKeys`, times are RFC 3339 in UTC
/// with milliseconds.
enum APIJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.format(date))
        }
        return encoder
    }()

    /// A JSON response with the given status and headers.
    static func response<T: Encodable>(_ value: T, status: HTTPResponseStatus = .ok, headers: HTTPHeaders = [:])
        throws -> Response
    {
        var headers = headers
        headers.contentType = .json
        return Response(status: status, headers: headers, body: .init(data: try encoder.encode(value)))
    }
}

/// Entity tags of versioned resources.
enum ETag {
    /// The strong ETag of a version: `"7"`.
    static func make(_ version: Int) -> String { "\"\(version)\"" }

    /// The version an `If-Match` header asks for; nil when the header is absent or `*`.
    /// - Throws: a 400 problem when the header is not an entity tag Rapport issued.
    static func expectedVersion(_ request: Request) throws -> Int? {
        guard let header = request.headers.first(name: .ifMatch) else { return nil }
        let value = header.trimmingCharacters(in: .whitespaces)
        if value == "*" { return nil }
        let tag = value.hasPrefix("W/") ? String(value.dropFirst(2)) : value
        guard tag.count >= 3, tag.first == "\"", tag.last == "\"", let version = Int(tag.dropFirst().dropLast())
        else { throw Problem.badParameter("If-Match", "expected an ETag such as \"3\"") }
        return version
    }
}

extension UUID {
    /// The lower-case form the API writes (Foundation writes upper case).
    var lowercased: String { UUIDText.format(self) }
}
