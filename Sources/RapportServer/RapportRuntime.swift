import Foundation
import Logging
import RapportCore
import Vapor

/// Runs a configured, migrated application for a command of the `rapport` CLI.
public enum RapportRuntime {
    /// Runs `body` with an application configured for `settings` whose database is migrated, then shuts it down.
    /// Logs go to standard error, so a command's standard output holds only its result.
    /// - Parameter serving: whether `body` will call `serve(_:)`.
    public static func withApplication<T>(
        _ settings: Settings, serving: Bool = false, _ body: (Application) async throws -> T
    ) async throws -> T {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: settings.logLevel) ?? .info
            return handler
        }
        let arguments = serving ? ["rapport", "serve"] : ["rapport"]
        let app = try await Application.make(Environment(name: "production", arguments: arguments))
        do {
            try configure(app, settings: settings)
            try await Startup.migrate(app)
            let result = try await body(app)
            try await app.asyncShutdown()
            return result
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    /// Serves HTTP until the process is told to stop (SIGINT or SIGTERM).
    public static func serve(_ app: Application) async throws {
        try await app.execute()
    }
}
