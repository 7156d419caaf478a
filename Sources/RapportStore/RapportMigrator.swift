import FluentKit
import Logging

/// Runs Rapport's migrations on a database outside any web application (the CLI and the server share it).
public struct RapportMigrator: Sendable {
    let databases: Databases
    let logger: Logger

    /// Creates a migrator over registered databases.
    public init(databases: Databases, logger: Logger) {
        self.databases = databases
        self.logger = logger
    }

    private func migrator() -> Migrator {
        let migrations = Migrations()
        migrations.add(RapportMigrations.all, to: .main)
        return Migrator(databases: databases, migrations: migrations, logger: logger, on: databases.eventLoopGroup.any())
    }

    /// Applies every migration not yet applied.
    public func migrate() async throws {
        try await migrator().setupIfNeeded().get()
        try await migrator().prepareBatch().get()
    }

    /// Undoes every applied migration, newest first.
    public func revertAll() async throws {
        try await migrator().setupIfNeeded().get()
        try await migrator().revertAllBatches().get()
    }
}
