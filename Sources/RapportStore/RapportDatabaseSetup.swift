import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Logging
import RapportCore
import SQLKit

/// Connects Fluent to the database the settings name: PostgreSQL when there is a URL, else a SQLite file.
public enum RapportDatabaseSetup {
    /// What the rest of Rapport needs to know about the registered database.
    public struct Handles: Sendable {
        /// Serialises write transactions on SQLite; nil on PostgreSQL.
        public let writeGate: WriteGate?
        /// Per-event-loop read connections on SQLite; nil on PostgreSQL.
        public let readers: SQLiteReaders?
    }

    /// Registers the database as the default of `databases`.
    /// - Throws: when the URL cannot be parsed or the SQLite file's folder cannot be created.
    public static func register(
        settings: Settings, on databases: Databases, logger: Logger, id: DatabaseID = .main
    ) throws -> Handles {
        if let url = settings.databaseURL {
            let configuration = try SQLPostgresConfiguration(url: url)
            // A request waits up to 60 s for a connection rather than the driver's 10: on a loaded server a burst of
            // writes (they queue behind one connection per event loop) should be slow, not refused.
            databases.use(.postgres(configuration: configuration, connectionPoolTimeout: .seconds(60),
                                    sqlLogLevel: .debug), as: id, isDefault: true)
            return Handles(writeGate: nil, readers: nil)
        }
        let path = settings.databasePath
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        databases.use(.sqlite(.file(path), sqlLogLevel: .debug), as: id, isDefault: true)
        return Handles(writeGate: WriteGate(), readers: SQLiteReaders(path: path, logger: logger))
    }

    /// Whether the database answers a trivial query; for the readiness probe.
    public static func ping(_ database: any Database) async throws {
        try await (database as! any SQLDatabase).raw("SELECT 1").run()
    }

    /// Settings that must hold for the database file itself: WAL journal (readers never wait for the writer) and
    /// foreign keys (on per connection by the driver).
    public static func prepare(_ database: any Database) async throws {
        guard let sql = database as? any SQLDatabase, sql.dialect.name == "sqlite" else { return }
        try await sql.raw("PRAGMA journal_mode = WAL").run()
    }
}

extension DatabaseID {
    /// Rapport's one database.
    public static let main = DatabaseID(string: "main")
}
