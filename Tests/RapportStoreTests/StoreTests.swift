import FluentKit
import Foundation
import Logging
import RapportCore
import RapportStore
import SQLKit
import Testing

@Suite("Store: migrations, counters and the event log")
struct StoreTests {
    static func tables(_ store: RapportDatabase) async throws -> Set<String> {
        let sql = store.database as! any SQLDatabase
        let rows = sql.dialect.name == "sqlite"
            ? try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table'").all()
            : try await sql.raw("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'").all()
        return Set(try rows.map { try $0.decode(column: "name", as: String.self) })
    }

    @Test("every migration applies, reverts and applies again")
    func migrateRevertMigrate() async throws {
        try await StoreHarness.run { store, databases in
            let migrator = RapportMigrator(databases: databases, logger: Logger(label: "test"))
            let expected: Set<String> = ["users", "api_tokens", "counters", "customers", "customer_external_ids",
                                         "customer_events", "idempotency_keys"]
            #expect(try await Self.tables(store).isSuperset(of: expected))
            try await migrator.revertAll()
            #expect(try await Self.tables(store).isDisjoint(with: expected))
            try await migrator.migrate()
            #expect(try await Self.tables(store).isSuperset(of: expected))
            let customer = try await CustomerRepository(store).create(
                CustomerFields(name: "after re-migration"), actor: .system, source: .system)
            #expect(customer.number == CustomerNumber(1))
        }
    }

    @Test("concurrent writers get consecutive numbers and a gap-free event sequence in commit order")
    func concurrentWritersStayOrdered() async throws {
        try await StoreHarness.run { store, _ in
            let repository = CustomerRepository(store)
            let created = try await withThrowingTaskGroup(of: StoredCustomer.self) { group in
                for index in 0..<24 {
                    group.addTask {
                        try await repository.create(CustomerFields(name: "C\(index)"), actor: .system, source: .system)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(created.map(\.number.value).sorted() == Array(1...24))
            let feed = try await EventLog(store).feed(after: 0, limit: 200, visibleTo: .all)
            #expect(feed.map(\.seq) == Array(1...24))
            #expect(Set(feed.map(\.event.customerID)) == Set(created.map(\.id)))
        }
    }

    @Test("a failed write leaves no row, no event and no used number")
    func failedWriteRollsBack() async throws {
        try await StoreHarness.run { store, _ in
            let repository = CustomerRepository(store)
            _ = try await repository.create(CustomerFields(name: "A", externalIDs: ["erp": "1"]), actor: .system, source: .system)
            await #expect(throws: StoreError.self) {
                try await repository.create(CustomerFields(name: "B", externalIDs: ["erp": "1"]), actor: .system, source: .system)
            }
            let next = try await repository.create(CustomerFields(name: "C"), actor: .system, source: .system)
            #expect(next.number == CustomerNumber(2))
            #expect(try await EventLog(store).feed(after: 0, limit: 10, visibleTo: .all).count == 2)
        }
    }

    @Test("the bulk writer writes what one-by-one creation writes")
    func bulkMatchesSingle() async throws {
        try await StoreHarness.run { store, _ in
            let fields = CustomerFields(name: "批量", emails: [EmailEntry(address: "a@b.cn", primary: true)],
                                        tags: ["x"], externalIDs: ["erp": "9"])
            let single = try await CustomerRepository(store).create(fields, actor: .system, source: .import)
            var second = fields
            second.externalIDs = ["erp": "10"]
            let bulk = try await CustomerBulkWriter(store).create([second, CustomerFields(name: "两")],
                                                                   actor: .system, source: .import)
            #expect(bulk.map(\.number.value) == [2, 3])
            let events = try await EventLog(store).feed(after: 0, limit: 10, visibleTo: .all)
            #expect(events.map(\.event.kind) == [.created, .created, .created])
            #expect(events[0].event.newValue?.objectValue?.count == events[1].event.newValue?.objectValue?.count)
            let reread = try await CustomerRepository(store).find(bulk[0].id, visibleTo: .all)
            #expect(try reread.decoded().fields == second)
            #expect(reread.document == second.document.encodedText())
            #expect(try single.decoded().fields == fields)
            await #expect(throws: StoreError.self) {
                try await CustomerRepository(store).create(CustomerFields(name: "dup", externalIDs: ["erp": "10"]),
                                                           actor: .system, source: .api)
            }
        }
    }

    @Test("the write gate runs one body at a time, in arrival order")
    func writeGateSerialises() async throws {
        let gate = WriteGate()
        actor Log {
            var entries: [String] = []
            func add(_ entry: String) { entries.append(entry) }
        }
        let log = Log()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<5 {
                group.addTask {
                    try await gate.run {
                        await log.add("start \(index)")
                        try await Task.sleep(for: .milliseconds(5))
                        await log.add("end \(index)")
                    }
                }
                try await Task.sleep(for: .milliseconds(1))
            }
            try await group.waitForAll()
        }
        let entries = await log.entries
        for pair in stride(from: 0, to: entries.count, by: 2) {
            #expect(entries[pair].dropFirst(6) == entries[pair + 1].dropFirst(4), "\(entries)")
        }
    }
}
