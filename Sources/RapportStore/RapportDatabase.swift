import FluentKit
import Foundation
import RapportCore
import SQLKit

/// The database Rapport works on, and how writes must be run on it.
public struct RapportDatabase: Sendable {
    /// The Fluent database (a connection pool; each call takes a connection).
    public let database: any Database
    /// Serialises write transactions on SQLite; nil on PostgreSQL.
    public let writeGate: WriteGate?
    /// The clock that stamps rows and events.
    public let clock: any RapportClock
    /// Per-event-loop read connections for the hottest reads, on SQLite.
    public let readers: SQLiteReaders?

    /// Wraps a database.
    public init(database: any Database, writeGate: WriteGate?, clock: any RapportClock, readers: SQLiteReaders? = nil) {
        self.database = database
        self.writeGate = writeGate
        self.clock = clock
        self.readers = readers
    }

    /// Runs `body` in one database transaction, behind the write gate when there is one.
    /// - Parameter bulk: one of many large transactions in a row (bulk loads, full recomputes). On SQLite its
    ///   connection keeps temporary files in memory, gets a 512 MiB page cache so big transactions do not spill
    ///   pages to disk, and commits without waiting for the disk (`synchronous = NORMAL`: in WAL mode the database
    ///   stays consistent, and a crash can only lose the last batches, which a re-run writes again).
    public func write<T: Sendable>(
        bulk: Bool = false, _ body: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T {
        let database = self.database
        let transaction: @Sendable () async throws -> T = {
            guard bulk, writeGate != nil else { return try await database.transaction { try await body($0) } }
            return try await database.withConnection { connection in
                let sql = connection as! any SQLDatabase
                for pragma in ["temp_store = MEMORY", "cache_size = -524288", "synchronous = NORMAL"] {
                    try await sql.raw("PRAGMA \(unsafeRaw: pragma)").run()
                }
                do {
                    let result = try await connection.transaction { try await body($0) }
                    try await sql.raw("PRAGMA synchronous = FULL").run()
                    return result
                } catch {
                    try? await sql.raw("PRAGMA synchronous = FULL").run()
                    throw error
                }
            }
        }
        if let writeGate {
            return try await writeGate.run(transaction)
        }
        return try await transaction()
    }
}
