import Fluent
import Foundation
import RapportAnalytics
import RapportCore
import RapportStore
import Vapor

/// Sets up a Rapport application: database, middleware, routes. Migrations are not run here; `serve` and the
/// tests run them through `RapportMigrator`.
/// - Parameters:
///   - app: the Vapor application to configure.
///   - settings: resolved settings.
///   - clock: the source of "now" (a fixed clock in tests).
public func configure(_ app: Application, settings: Settings, clock: any RapportClock = SystemClock()) throws {
    let handles = try RapportDatabaseSetup.register(settings: settings, on: app.databases, logger: app.logger)
    if let readers = handles.readers { app.lifecycle.use(ReadersShutdown(readers: readers)) }
    let reports = try ReportConnection(settings: settings, logger: app.logger)
    app.lifecycle.use(ReportsShutdown(reports: reports))
    let valueModel = CurrentValueModel()
    let services = RapportServices(
        settings: settings, clock: clock, writeGate: handles.writeGate, readers: handles.readers,
        parser: CustomerFieldsParser(defaultPhoneRegion: settings.phoneRegion),
        transactionParser: TransactionParser(baseCurrency: settings.baseCurrency), interactionParser: InteractionParser(),
        lifecycle: LifecycleEngine(
            settings: settings.lifecycle,
            churnEvidence: [PAliveChurnEvidence(model: valueModel, threshold: settings.analytics.churnPAlive)]),
        values: ValueEngine(settings: settings.analytics, lifecycle: settings.lifecycle,
                            currency: settings.baseCurrency),
        valueModel: valueModel, tokenCache: TokenCache(), reports: reports)
    app.rapport = services
    app.routes.defaultMaxBodySize = ByteCount(integerLiteral: settings.maxBodyBytes)
    app.http.server.configuration.hostname = settings.host
    app.http.server.configuration.port = settings.port
    app.middleware = Middlewares()
    app.middleware.use(ServicesMiddleware(services: services))
    try routes(app)
    try WebUI.configure(app)
    app.middleware.use(ProblemMiddleware(allowedMethods: AllowedMethods(app.routes)))
}

/// Registers every route. The OpenAPI document must describe each one (a test checks).
func routes(_ app: Application) throws {
    try app.register(collection: HealthController())
    app.get("api", "openapi.json") { _ in try OpenAPIDocument.response() }
    let api = app.grouped(APIPath.version).grouped(TokenAuthMiddleware(), IdempotencyMiddleware())
    try api.register(collection: CustomersController())
    try api.register(collection: EventsController())
    try api.register(collection: UsersController())
    try api.register(collection: TokensController())
    try api.register(collection: TransactionsController())
    try api.register(collection: InteractionsController())
    try api.register(collection: ProductsController())
    try api.register(collection: LifecycleController())
    try api.register(collection: AnalyticsController())
    try api.register(collection: CrowdsController())
    try api.register(collection: DuplicatesController())
    try api.register(collection: ExportsController())
    // Uploads stream to disk rather than being collected for an idempotency hash; the file's digest makes a
    // repeated upload resume or find its import instead.
    try app.grouped(APIPath.version).grouped(TokenAuthMiddleware()).register(collection: ImportsController())
}

/// Things `serve` does before it listens: the SQLite journal mode, migrations, and the first admin.
public enum Startup {
    /// Prepares the database, applies pending migrations and loads the newest fitted value model.
    public static func migrate(_ app: Application) async throws {
        try await RapportDatabaseSetup.prepare(app.db)
        try await RapportMigrator(databases: app.databases, logger: app.logger).migrate()
        app.rapport.valueModel.replace(with: try await CustomerValueRepository(app.rapportDatabase).latestModel())
        let crowds = CrowdRepository(app.rapportDatabase)
        if try await crowds.installBuiltIns() {
            app.logger.info("crowds: deciding the members of the built-in crowds")
            _ = try await crowds.refreshAll()
        }
    }

    /// On a database with no user yet, creates an admin with a generated password.
    /// - Returns: the admin's e-mail and password, to print once; nil when users already exist.
    public static func createFirstAdmin(_ app: Application) async throws -> (email: String, password: String)? {
        guard try await UserRepository(app.rapportDatabase).count() == 0 else { return nil }
        let email = "admin@rapport.local"
        let (_, password) = try await UserAccounts(store: app.rapportDatabase).createUser(
            email: email, displayName: "Administrator", role: .admin, team: nil, password: nil)
        return (email, password!)
    }
}

/// Closes the report connection when the application shuts down.
private struct ReportsShutdown: LifecycleHandler {
    let reports: ReportConnection

    func shutdownAsync(_ application: Application) async {
        await reports.close()
    }
}

/// Closes the SQLite read connections when the application shuts down.
private struct ReadersShutdown: LifecycleHandler {
    let readers: SQLiteReaders

    func shutdownAsync(_ application: Application) async {
        await readers.close()
    }
}
