import FluentKit
import Foundation
import Logging
import NIOPosix
import SQLiteNIO
import Synchronization

/// One read-only SQLite connection per event loop, for the API's hottest read (a customer by ID).
///
/// Going through Fluent costs more than the query itself: a database wrapper per request, a connection pool
/// checkout and its futures. A connection owned by the event loop needs none of that, and in WAL mode it reads
/// while the writer writes. It is the same SQLite library as Fluent's, so file locking stays coherent.
public final class SQLiteReaders: Sendable {
    private let open: @Sendable (any EventLoop) -> EventLoopFuture<SQLiteConnection>
    private let connections = Mutex<[ObjectIdentifier: EventLoopFuture<SQLiteConnection>]>([:])
    /// The readers' own thread. One is enough for point reads, and fewer runnable threads keep the latency tail
    /// short on a small machine.
    private let threadPool = NIOThreadPool(numberOfThreads: 1)

    init(path: String, logger: Logger) {
        threadPool.start()
        let threadPool = self.threadPool
        open = { eventLoop in
            SQLiteConnection.open(storage: .file(path: path), threadPool: threadPool, logger: logger, on: eventLoop)
                .flatMap { connection in
                    connection.query("PRAGMA query_only = 1").map { _ in connection }
                }
        }
    }

    /// The connection of `eventLoop`, opened on first use.
    func connection(on eventLoop: any EventLoop) -> EventLoopFuture<SQLiteConnection> {
        let key = ObjectIdentifier(eventLoop)
        let (connection, isNew) = connections.withLock { connections in
            if let existing = connections[key] { return (existing, false) }
            let opened = open(eventLoop)
            connections[key] = opened
            return (opened, true)
        }
        if isNew {
            // A connection that failed to open is forgotten, so the next request tries again.
            connection.whenFailure { _ in
                self.connections.withLock { connections in connections[key] = nil }
            }
        }
        return connection
    }

    /// Closes every connection; for application shutdown.
    public func close() async {
        let open = connections.withLock { connections in
            defer { connections = [:] }
            return Array(connections.values)
        }
        for connection in open {
            try? await connection.get().close()
        }
        try? await threadPool.shutdownGracefully()
    }
}
