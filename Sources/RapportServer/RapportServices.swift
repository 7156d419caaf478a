import Foundation
import RapportAnalytics
import RapportCore
import RapportStore
import Vapor

/// What every request handler needs besides the request: settings, clock and the shared caches. Built once per
/// application by `configure(_:settings:clock:)`.
struct RapportServices: Sendable {
    let settings: Settings
    let clock: any RapportClock
    let writeGate: WriteGate?
    let readers: SQLiteReaders?
    let parser: CustomerFieldsParser
    let transactionParser: TransactionParser
    let interactionParser: InteractionParser
    /// The lifecycle rules with this deployment's thresholds, and P(alive) from `valueModel` as churn evidence.
    let lifecycle: LifecycleEngine
    /// The analytics engine with this deployment's settings.
    let values: ValueEngine
    /// The newest fitted value model, loaded at start-up and replaced by each analytics run.
    let valueModel: CurrentValueModel
    let tokenCache: TokenCache
    /// The connection long reports (the dashboard's figures) run on, away from the requests' pool.
    let reports: ReportConnection

    struct Key: StorageKey {
        typealias Value = RapportServices
    }
}

extension Application {
    /// Rapport's services; set up by `configure`.
    var rapport: RapportServices {
        get {
            guard let services = storage[RapportServices.Key.self] else {
                fatalError("configure(_:settings:clock:) has not run")
            }
            return services
        }
        set { storage[RapportServices.Key.self] = newValue }
    }

    /// The lifecycle rules with this deployment's thresholds, for work outside a request.
    public var lifecycleEngine: LifecycleEngine {
        rapport.lifecycle
    }

    /// The database with Rapport's write rules, for work outside a request (CLI commands, start-up).
    public var rapportDatabase: RapportDatabase {
        RapportDatabase(database: db, writeGate: rapport.writeGate, clock: rapport.clock, readers: rapport.readers)
    }
}

/// Hands Rapport's services to each request. Requests must not read them from application storage: Vapor clears
/// that storage at shutdown while requests may still be in flight.
struct ServicesMiddleware: Middleware {
    let services: RapportServices

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        request.storage[RapportServices.Key.self] = services
        return next.respond(to: request)
    }
}

extension Request {
    /// Rapport's services, set by `ServicesMiddleware` (the first middleware) on every request.
    var rapport: RapportServices {
        guard let services = storage[RapportServices.Key.self] else {
            preconditionFailure("ServicesMiddleware must be the first middleware")
        }
        return services
    }

    /// The database on this request's event loop, with Rapport's write rules.
    /// - Throws: a 503 problem when the application is shutting down: requests still in flight then find the
    ///   databases gone (Fluent's `request.db` would crash on that).
    var store: RapportDatabase {
        get throws {
            guard let database = application.databases.database(logger: logger, on: eventLoop) else {
                throw Problem(.serviceUnavailable, detail: "the server is shutting down")
            }
            return RapportDatabase(database: database, writeGate: rapport.writeGate, clock: rapport.clock,
                                   readers: rapport.readers)
        }
    }

    private struct PrincipalKey: StorageKey {
        typealias Value = Principal
    }

    /// The authenticated caller. Set by `TokenAuthMiddleware` on every `/api/v1` route.
    var principal: Principal {
        get throws {
            guard let principal = storage[PrincipalKey.self] else {
                throw Problem(.unauthorized, type: ProblemType.unauthenticated, detail: "authentication required")
            }
            return principal
        }
    }

    func setPrincipal(_ principal: Principal) {
        storage[PrincipalKey.self] = principal
    }
}
