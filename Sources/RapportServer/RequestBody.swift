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

    /// A UUID path parameter; an ID that is not a UUID names no resource, so it is a 404.
    func uuidParameter(_ name: String) throws -> UUID {
        guard let text = parameters.get(name), let id = UUIDText.parse(text) else {
            throw Problem(.notFound, type: ProblemType.notFound, detail: "no such resource")
        }
        return id
    }
}

/// Reads a small JSON object whose members all have simple types, rejecting unknown members by name.
struct StrictObject {
    let members: [String: JSONValue]
    private(set) var errors: [FieldError] = []

    /// Checks that `document` is an object with no members outside `allowed`.
    init(_ document: JSONValue, allowed: [String]) {
        guard let members = document.objectValue else {
            self.members = [:]
            errors.append(FieldError(field: "", code: "wrong_type", message: "expected a JSON object"))
            return
        }
        self.members = members
        for key in members.keys.sorted() where !allowed.contains(key) {
            errors.append(FieldError(field: key, code: "unknown_field",
                                     message: "unknown field; expected one of: \(allowed.joined(separator: ", "))"))
        }
    }

    /// A string member, cleaned; records an error when it is required and missing, or not a string.
    mutating func string(_ key: String, required: Bool) -> String? {
        switch members[key] {
        case nil, .null?:
            if required { errors.append(FieldError(field: key, code: "required", message: "\(key) is required")) }
            return nil
        case .string(let text)?:
            let cleaned = TextNormalization.clean(text)
            if cleaned.isEmpty, required {
                errors.append(FieldError(field: key, code: "required", message: "\(key) cannot be empty"))
                return nil
            }
            return cleaned.isEmpty ? nil : cleaned
        case let other?:
            errors.append(FieldError(field: key, code: "wrong_type", message: "expected a string, got \(other.typeName)"))
            return nil
        }
    }

    mutating func fail(_ field: String, _ code: String, _ message: String) {
        errors.append(FieldError(field: field, code: code, message: message))
    }

    /// Throws the collected errors, if any.
    func check() throws {
        if !errors.isEmpty { throw ValidationError(errors) }
    }
}
