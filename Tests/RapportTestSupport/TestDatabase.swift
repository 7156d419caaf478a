import FluentKit
import FluentPostgresDriver
import Foundation
import RapportCore
import SQLKit

/// An empty database of its own for one test, so tests run in parallel without sharing state: a temporary SQLite
/// file, or — when `DATABASE_URL` is set, as in CI — a new PostgreSQL database created on that server and dropped
/// afterwards.
public struct TestDatabase: Sendable {
    /// The settings flags that point Rapport at this database.
    public let flags: [Settings.Key: String]
    private let dropAction: @Sendable () async throws -> Void

    /// Whether the tests run against PostgreSQL.
    public static var isPostgres: Bool { ProcessInfo.processInfo.environment["DATABASE_URL"] != nil }

    /// Creates the database. For PostgreSQL, `databases` is used to reach the server named by `DATABASE_URL`.
    public static func provision(using databases: Databases) async throws -> TestDatabase {
        guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"] else {
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("rapport-test-\(UUID().uuidString).sqlite").path
            return TestDatabase(flags: [.database: path]) {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
        }
        let name = "rapport_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = DatabaseID(string: "test-admin")
        if databases.configuration(for: admin) == nil {
            databases.use(try .postgres(url: url), as: admin, isDefault: false)
        }
        let sql = databases.database(admin, logger: .init(label: "test"), on: databases.eventLoopGroup.any())
            as! any SQLDatabase
        try await sql.raw("CREATE DATABASE \(ident: name)").run()
        var components = URLComponents(string: url)!
        components.path = "/" + name
        return TestDatabase(flags: [.databaseURL: components.string!]) {
            try await sql.raw("DROP DATABASE \(ident: name) WITH (FORCE)").run()
        }
    }

    private init(flags: [Settings.Key: String], drop: @escaping @Sendable () async throws -> Void) {
        self.flags = flags
        self.dropAction = drop
    }

    /// Removes the database.
    public func drop() async throws {
        try await dropAction()
    }
}
