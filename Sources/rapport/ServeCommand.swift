import ArgumentParser
import RapportCore
import RapportServer
import RapportStore

/// `rapport serve`: migrate, create the first admin on an empty database, and serve the API.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the HTTP server (migrates the database first).")

    @OptionGroup var options: SettingsOptions

    @Option(help: "Address to listen on (env RAPPORT_HOST; default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (env RAPPORT_PORT; default 8080).")
    var port: Int?

    @Option(help: "on: the server is reached over HTTPS through a proxy, so the web UI's cookies are marked Secure (env RAPPORT_BEHIND_TLS; default off).")
    var behindTLS: String?

    @Flag(help: "On a database without customers, first load the demo business (2,000 customers, seed 42).")
    var demo = false

    func run() async throws {
        var flags = options.flags
        flags[.host] = host
        flags[.port] = port.map(String.init)
        flags[.behindTLS] = behindTLS
        let settings = try CommandSettings.resolve(flags)
        try await RapportRuntime.withApplication(settings, serving: true) { app in
            let url = "http://\(settings.host):\(settings.port)"
            if demo, !(try await CustomerRepository(app.rapportDatabase).hasAny()) {
                Terminal.emit("Loading the demo business into the fresh database…")
                let store = app.rapportDatabase
                let loader = DemoLoader(
                    store: store, engine: app.lifecycleEngine, customers: 2000, seed: 42, years: 2,
                    end: DemoLoader.defaultEnd(now: store.clock.now()), batch: 250)
                let counts = try await loader.load(showingProgress: true)
                _ = try await loader.recompute(with: Recompute(app))
                Terminal.emit("Demo business loaded: \(counts.customers) customers, \(counts.transactions) transactions.")
            }
            if settings.dailyRecompute { app.lifecycle.use(DailyRecompute()) }
            app.lifecycle.use(WebFigureWarmup())
            if let admin = try await Startup.createFirstAdmin(app) {
                Terminal.emit("""
                    Rapport created the first administrator. This password is shown once:
                      e-mail:   \(admin.email)
                      password: \(admin.password)
                    Create an API token with: rapport token create --email \(admin.email) --name cli
                    """)
            }
            Terminal.emit("Rapport is listening on \(url)  (database: \(settings.databaseURL == nil ? settings.databasePath : "PostgreSQL"))")
            try await RapportRuntime.serve(app)
        }
    }
}

/// `rapport migrate [--revert]`.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply pending database migrations, or undo them all with --revert.")

    @OptionGroup var options: SettingsOptions

    @Flag(help: "Undo every migration (drops Rapport's tables and their data).")
    var revert = false

    func run() async throws {
        let settings = try CommandSettings.resolve(options.flags)
        try await RapportRuntime.withApplication(settings) { app in
            if revert {
                try await RapportMigrator(databases: app.databases, logger: app.logger).revertAll()
                print("Reverted all migrations.")
            } else {
                print("Database is migrated.")
            }
        }
    }
}
