import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Logging
import RapportCore
import NIOPosix
import SQLKit
import Synchronization

/// A database connection of its own for long reports (the dashboard's figures). On a big database such a report
/// reads for seconds; on the shared pool it would hold a connection a request's event loop needs, and on SQLite one of
/// the few threads every query runs on. Reports queue on this connection instead: one at a time, on SQLite on a
/// thread of their own, read-only.
public final class ReportConnection: Sendable {
    private let open: @Sendable () async throws -> (sql: any SQLDatabase, close: @Sendable () async -> Void)
    private let opened = Mutex<Task<(sql: any SQLDatabase, close: @Sendable () async -> Void), any Error>?>(nil)
    private let threadPool: NIOThreadPool?

    /// A report connection to the database `settings` name; opened on first use.
    public init(settings: Settings, logger: Logger) throws {
        let eventLoop = MultiThreadedEventLoopGroup.singleton.any()
        if let url = settings.databaseURL {
            let configuration = try SQLPostgresConfiguration(url: url).coreConfiguration
            threadPool = nil
            open = {
                let connection = try await PostgresConnection.connect(
                    on: eventLoop, configuration: configuration, id: 0, logger: logger).get()
                return (connection.sql(), { try? await connection.close().get() })
            }
        } else {
            let pool = NIOThreadPool(numberOfThreads: 1)
            pool.start()
            threadPool = pool
            let path = settings.databasePath
            open = {
                let connection = try await SQLiteConnection.open(
                    storage: .file(path: path), threadPool: pool, logger: logger, on: eventLoop).get()
                _ = try await connection.query("PRAGMA query_only = 1").get()
                return (connection.sql(), { try? await connection.close().get() })
            }
        }
    }

    /// The connection, opened on first use (and again after a failed opening).
    public func sql() async throws -> any SQLDatabase {
        let task = opened.withLock { opened in
            if let opened { return opened }
            let task = Task { try await open() }
            opened = task
            return task
        }
        do {
            return try await task.value.sql
        } catch {
            opened.withLock { $0 = nil }
            throw error
        }
    }

    /// Closes the connection and its thread; for application shutdown.
    public func close() async {
        if let task = opened.withLock({ $0 }), let connection = try? await task.value {
            await connection.close()
        }
        try? await threadPool?.shutdownGracefully()
    }
}
