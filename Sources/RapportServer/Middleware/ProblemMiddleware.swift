import Vapor

/// Turns every error into an RFC 9457 problem response. Replaces Vapor's `ErrorMiddleware`.
///
/// Written against `EventLoopFuture` rather than as an `AsyncMiddleware`: Vapor starts a task for every async
/// middleware on every request, and this one runs on all of them.
struct ProblemMiddleware: Middleware {
    let allowedMethods: AllowedMethods

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).flatMapErrorThrowing { error in
            if request.route == nil, let allowed = allowedMethods.methods(for: request.url.path) {
                return Problem(.methodNotAllowed, detail: "\(request.method.rawValue) is not allowed here",
                               headers: ["Allow": allowed.joined(separator: ", ")]).response()
            }
            let problem = Problem.from(error)
            if problem.status >= 500 {
                request.logger.report(error: error)
            }
            return problem.response()
        }
    }
}
