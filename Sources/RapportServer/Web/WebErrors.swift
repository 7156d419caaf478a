import RapportStore
import Vapor

/// Errors on pages answer as pages, in the page's language: a browser user gets a readable message and the way back,
/// not the API's problem JSON. A refusal (4xx) shows its reason; anything else a plain apology, never its details,
/// which go to the log.
struct WebErrors: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let status = (error as? any AbortError)?.status ?? Self.status(of: error)
            let message: String
            switch status.code {
            case 403: message = (error as? any AbortError)?.reason ?? request.text("error.forbidden")
            case 404: message = request.text("error.not_found")
            case 400..<500: message = (error as? any AbortError)?.reason ?? request.text("error.bad_request")
            default:
                request.logger.report(error: error)
                message = request.text("error.server")
            }
            var page = WebPage("error")
            page["status"] = .string(String(status.code))
            page["message"] = .string(message)
            return try await page.response(for: request, status: status)
        }
    }

    /// The store's refusals, as the API maps them: a customer out of reach is not found, like one that is not there.
    private static func status(of error: any Error) -> HTTPStatus {
        switch error as? StoreError {
        case .notFound: .notFound
        case .forbidden: .forbidden
        case .versionMismatch, .conflict: .conflict
        case .invalid: .unprocessableEntity
        default: .internalServerError
        }
    }
}
