import Crypto
import Foundation
import RapportCore
import RapportStore
import Vapor

/// `Idempotency-Key` on `POST`: the first response to a key is stored and sent again for a repeat of the same
/// request, so a client that retries after a lost response never creates a second row.
///
/// A request that fails (an error rather than a response) releases its key, so the client may fix and resend it.
///
/// Future-based, like `ProblemMiddleware`, so that the requests it does not concern pass without a task.
struct IdempotencyMiddleware: Middleware {
    static let header = "Idempotency-Key"
    /// Headers of the first response that are replayed with it.
    static let replayedHeaders: [HTTPHeaders.Name] = [.contentType, .location, .eTag]

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard request.method == .POST, let key = request.headers.first(name: Self.header) else {
            return next.respond(to: request)
        }
        let response = request.eventLoop.makePromise(of: Response.self)
        response.completeWithTask { try await Self.respond(to: request, key: key, next: next) }
        return response.futureResult
    }

    private static func respond(to request: Request, key: String, next: any Responder) async throws -> Response {
        guard (1...255).contains(key.utf8.count), key.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw Problem.badParameter(header, "expected 1 to 255 visible ASCII characters")
        }
        let body = try await request.collectedBody()
        let repository = IdempotencyRepository(try request.store)
        let claim = try await repository.claim(
            key: key, userID: try request.principal.userID, requestHash: hash(request, body: body))
        switch claim {
        case .replay(let stored):
            var headers = HTTPHeaders(stored.headers.map { ($0.key, $0.value) })
            headers.replaceOrAdd(name: "Idempotent-Replayed", value: "true")
            return Response(status: HTTPResponseStatus(statusCode: stored.status), headers: headers,
                            body: .init(data: stored.body))
        case .mismatch:
            throw Problem(.unprocessableEntity, type: ProblemType.idempotencyKeyReused,
                          detail: "this Idempotency-Key was already used for a different request")
        case .inProgress:
            throw Problem(.conflict, type: ProblemType.conflict,
                          detail: "a request with this Idempotency-Key is still being processed; retry shortly")
        case .proceed(let claimID):
            let response: Response
            do {
                response = try await next.respond(to: request).get()
            } catch {
                try? await repository.release(claimID)
                throw error
            }
            guard response.status.code < 500 else {
                try? await repository.release(claimID)
                return response
            }
            var headers: [String: String] = [:]
            for name in replayedHeaders {
                if let value = response.headers.first(name: name) { headers[name.description] = value }
            }
            let bytes = response.body.buffer.map { Data(buffer: $0) } ?? Data()
            try await repository.complete(
                claimID, with: StoredResponse(status: Int(response.status.code), headers: headers, body: bytes))
            return response
        }
    }

    private static func hash(_ request: Request, body: ByteBuffer) -> String {
        var hasher = SHA256()
        hasher.update(data: Data("\(request.method.rawValue) \(request.url.string)\n".utf8))
        hasher.update(data: Data(buffer: body))
        return Hex.encode(hasher.finalize())
    }
}
