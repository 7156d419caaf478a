import Foundation
import RapportCore
import RapportStore
import Vapor

/// An RFC 9457 problem: the body of every error response, sent as `application/problem+json`.
public struct Problem: Error, Sendable, Encodable {
    /// A URI naming the kind of problem; `about:blank` when the status says it all.
    public let type: String
    /// Short summary of the kind of problem.
    public let title: String
    /// The HTTP status code.
    public let status: Int
    /// What went wrong with this request.
    public let detail: String?
    /// One entry per invalid field, for validation problems.
    public let errors: [FieldError]?
    /// Headers to send with it (`WWW-Authenticate`, `ETag`, …).
    public let headers: HTTPHeaders

    enum CodingKeys: String, CodingKey { case type, title, status, detail, errors }

    /// Creates a problem.
    public init(
        _ status: HTTPResponseStatus, type: String = "about:blank", detail: String? = nil,
        errors: [FieldError]? = nil, headers: HTTPHeaders = [:]
    ) {
        self.type = type
        self.title = status.reasonPhrase
        self.status = Int(status.code)
        self.detail = detail
        self.errors = errors
        self.headers = headers
    }

    /// The response carrying this problem.
    public func response() -> Response {
        var headers = self.headers
        headers.contentType = HTTPMediaType(type: "application", subType: "problem+json", parameters: ["charset": "utf-8"])
        let body = (try? APIJSON.encoder.encode(self)) ?? Data()
        return Response(status: HTTPResponseStatus(statusCode: status), headers: headers, body: .init(data: body))
    }

    /// A request body or parameter that breaks the rules.
    public static func validation(_ error: ValidationError) -> Problem {
        let detail = error.errors.count == 1 ? error.errors[0].message : "\(error.errors.count) fields are invalid"
        return Problem(.unprocessableEntity, type: ProblemType.validation, detail: detail, errors: error.errors)
    }

    /// A malformed query parameter.
    public static func badParameter(_ field: String, _ message: String) -> Problem {
        Problem(.badRequest, type: ProblemType.badParameter, detail: "\(field): \(message)",
                errors: [FieldError(field: field, code: "invalid_parameter", message: message)])
    }
}

/// The problem type URIs Rapport uses. Relative references, as RFC 9457 allows; the OpenAPI document lists them.
public enum ProblemType {
    public static let validation = "/problems/validation"
    public static let badParameter = "/problems/bad-parameter"
    public static let malformedBody = "/problems/malformed-body"
    public static let unauthenticated = "/problems/unauthenticated"
    public static let forbidden = "/problems/forbidden"
    public static let notFound = "/problems/not-found"
    public static let preconditionFailed = "/problems/precondition-failed"
    public static let conflict = "/problems/conflict"
    public static let idempotencyKeyReused = "/problems/idempotency-key-reused"
    /// A stored `Idempotency-Key` response about a customer that has since been erased.
    public static let erased = "/problems/erased"
}

extension Problem {
    /// The problem an error thrown by a handler stands for.
    static func from(_ error: any Error) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let validation as ValidationError:
            return .validation(validation)
        case let store as StoreError:
            return from(store)
        case let abort as any AbortError:
            if abort.status == .payloadTooLarge {
                return Problem(.payloadTooLarge, type: ProblemType.malformedBody,
                               detail: "request body is larger than the server accepts")
            }
            return Problem(abort.status, detail: abort.reason, headers: abort.headers)
        case is DecodingError:
            return Problem(.badRequest, type: ProblemType.malformedBody, detail: "request body is not valid JSON")
        default:
            return Problem(.internalServerError, detail: "the server failed to handle this request")
        }
    }

    private static func from(_ error: StoreError) -> Problem {
        switch error {
        case .notFound:
            return Problem(.notFound, type: ProblemType.notFound, detail: "no such resource")
        case .versionMismatch(let current):
            return Problem(.preconditionFailed, type: ProblemType.preconditionFailed,
                           detail: "the resource has changed since you read it; its current ETag is \"\(current)\"",
                           headers: ["ETag": ETag.make(current)])
        case .invalid(let validation):
            return .validation(validation)
        case .forbidden(let message):
            return Problem(.forbidden, type: ProblemType.forbidden, detail: message)
        case .conflict(let message):
            return Problem(.conflict, type: ProblemType.conflict, detail: message)
        case .corrupt:
            return Problem(.internalServerError, detail: "the server failed to handle this request")
        }
    }
}
