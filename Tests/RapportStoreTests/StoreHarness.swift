import FluentKit
import Foundation
import Logging
import NIOPosix
import RapportCore
import RapportStore
import RapportTestSupport

/// A migrated store on a database of its own, without a web server.
enum StoreHarness {
    static func run(_ test: (RapportDatabase, Databases) async throws -> Void) async throws {
        let databases = Databases(threadPool: NIOThreadPool.singleton, on: MultiThreadedEventLoopGroup.singleton)
        let database = try await TestDatabase.provision(using: databases)
        do {
            let settings = try Settings.resolve(flags: database.flags, environment: [:])
            let logger = Logger(label: "store-test")
            let handles = try RapportDatabaseSetup.register(settings: settings, on: databases, logger: logger)
            let db = databases.database(.main, logger: logger, on: databases.eventLoopGroup.any())!
            try await RapportDatabaseSetup.prepare(db)
            try await RapportMigrator(databases: databases, logger: logger).migrate()
            try await test(RapportDatabase(database: db, writeGate: handles.writeGate, clock: SystemClock(),
                                           readers: handles.readers), databases)
            await handles.readers?.close()
        } catch {
            try? await database.drop()
            await databases.shutdownAsync()
            throw error
        }
        try await database.drop()
        await databases.shutdownAsync()
    }
}
