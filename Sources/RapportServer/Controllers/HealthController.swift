import Foundation
import RapportStore
import Vapor

/// `/healthz` (the process answers) and `/readyz` (the database answers); neither needs authentication.
struct HealthController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("healthz", use: health)
        routes.get("readyz", use: ready)
    }

    @Sendable func health(request: Request) async throws -> Response {
        Self.okResponse
    }

    @Sendable func ready(request: Request) async throws -> Response {
        do {
            try await RapportDatabaseSetup.ping(request.store.database)
        } catch {
            request.logger.warning("readiness check failed: \(String(reflecting: error))")
            throw Problem(.serviceUnavailable, detail: "the database does not answer")
        }
        return Self.okResponse
    }

    /// A constant body: the liveness probe is also the baseline of the API benchmark, so it does no other work.
    private static var okResponse: Response {
        Response(status: .ok, headers: ["Content-Type": "application/json"], body: .init(staticString: "{\"status\":\"ok\"}"))
    }
}
