import Vapor

/// Turns every error into an RFC 9457 problem response. Replaces Vapor's `ErrorMiddleware`.
struct ProblemMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let problem = Problem.from(error)
            if problem.status >= 500 {
                request.logger.report(error: error)
            }
            return problem.response()
        }
    }
}
