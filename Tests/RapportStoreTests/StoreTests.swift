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

    @Test("the bulk writer writes what the one-by-one paths write")
    func bulkMatchesSingle() async throws {
        try await StoreHarness.run { store, _ in
            let engine = LifecycleEngine()
            let now = store.clock.now()
            func daysAgo(_ days: Double) -> Date { now.addingTimeInterval(-days * 86_400) }
            let fields = CustomerFields(name: "批量", emails: [EmailEntry(address: "a@b.cn", primary: true)],
                                        tags: ["x"], externalIDs: ["erp": "9"])
            var renamed = fields
            renamed.name = "批量二"
            let single = try await CustomerRepository(store).create(fields, actor: .system, source: .import)
            let bulkID = UUID()
            let purchaseIDs = [UUID(), UUID(), UUID()]
            func purchase(_ customer: UUID, _ days: Double) -> TransactionInput {
                TransactionInput(customerID: customer, kind: .purchase, occurredAt: daysAgo(days), currency: "CNY",
                                 lines: [TransactionLine(sku: "TEA-1", name: "龙井", quantity: 2, unitPriceMinor: 5_000)],
                                 amountMinor: 10_000)
            }
            func refund(_ customer: UUID, of purchase: UUID) -> TransactionInput {
                TransactionInput(customerID: customer, kind: .refund, occurredAt: daysAgo(340), currency: "CNY",
                                 amountMinor: 4_000, refundOf: purchase)
            }
            func call(_ customer: UUID) -> InteractionInput {
                InteractionInput(customerID: customer, channel: .phone, direction: .outbound, occurredAt: daysAgo(10),
                                 subject: "回访")
            }
            var second = fields
            second.externalIDs = ["erp": "10"]
            var secondRenamed = renamed
            secondRenamed.externalIDs = ["erp": "10"]
            let counts = try await CustomerBulkWriter(store, engine: engine).write([
                CustomerHistoryInput(
                    id: bulkID, createdAt: daysAgo(400), fields: second, changes: [(daysAgo(300), secondRenamed)],
                    transactions: [purchase(bulkID, 380), purchase(bulkID, 350), purchase(bulkID, 320),
                                   refund(bulkID, of: purchaseIDs[1])],
                    transactionIDs: purchaseIDs + [UUID()],
                    interactions: [Interaction(id: UUID(), input: call(bulkID), recordedAt: now)]),
                CustomerHistoryInput(id: UUID(), createdAt: daysAgo(5), fields: CustomerFields(name: "两")),
            ], actor: .system, source: .import)
            #expect(counts == CustomerBulkWriter.Counts(customers: 2, transactions: 4, interactions: 1, events: 12))

            let newFields = renamed
            _ = try await CustomerRepository(store).update(
                single.id, visibleTo: .all, expectedVersion: nil, actor: .system, source: .import) { _ in newFields }
            let transactions = TransactionRepository(store, engine: engine)
            var recorded: [Transaction] = []
            for days in [380.0, 350, 320] {
                recorded.append(try await transactions.record(purchase(single.id, days), visibleTo: .all,
                                                              actor: .system, source: .import))
            }
            _ = try await transactions.record(refund(single.id, of: recorded[1].id), visibleTo: .all, actor: .system,
                                              source: .import)
            _ = try await InteractionRepository(store, engine: engine).record(
                call(single.id), visibleTo: .all, actor: .system, source: .import)

            let bulk = try await CustomerRepository(store).find(bulkID, visibleTo: .all)
            let one = try await CustomerRepository(store).find(single.id, visibleTo: .all)
            #expect(bulk.number.value == 2)
            #expect(try bulk.decoded().fields == secondRenamed)
            #expect(bulk.version == 2)
            #expect(bulk.stats.purchases == one.stats.purchases)
            #expect(bulk.stats.interactions == one.stats.interactions)
            #expect(bulk.stats.purchases.ordersCount == 3)
            #expect(bulk.stats.purchases.totalSpentMinor == 26_000)
            #expect(bulk.stats.stage.stage == .churned)
            #expect(one.stats.stage.stage == .churned)
            // The bulk history was known from the start, so its stages are dated when they happened; the one-by-one
            // customer learned its history today.
            #expect(bulk.stats.stage.since < daysAgo(100))
            let bulkKinds = try await EventLog(store).timeline(of: bulkID, family: nil, after: nil, limit: 50)
                .map(\.event.kind.rawValue)
            #expect(bulkKinds.filter { $0 == "purchase" }.count == 3)
            #expect(bulkKinds.filter { $0 == "stage_changed" }.count == 4)
            #expect(Set(bulkKinds) == ["created", "field_changed", "purchase", "refund", "interaction", "stage_changed"])
            await #expect(throws: StoreError.self) {
                try await CustomerRepository(store).create(CustomerFields(name: "dup", externalIDs: ["erp": "10"]),
                                                           actor: .system, source: .api)
            }
        }
    }

    @Test("a recompute running beside live purchases leaves every customer as a recompute from scratch would")
    func recomputeBesideWrites() async throws {
        try await StoreHarness.run { store, _ in
            let engine = LifecycleEngine()
            let now = store.clock.now()
            func daysAgo(_ days: Double) -> Date { now.addingTimeInterval(-days * 86_400) }
            let ids = (0..<120).map { _ in UUID() }
            let inputs = ids.enumerated().map { index, id in
                CustomerHistoryInput(
                    id: id, createdAt: daysAgo(400), fields: CustomerFields(name: "顾客\(index)"),
                    transactions: [TransactionInput(customerID: id, kind: .purchase, occurredAt: daysAgo(100),
                                                    currency: "CNY", amountMinor: 1_000)],
                    transactionIDs: [UUID()])
            }
            _ = try await CustomerBulkWriter(store, engine: engine).write(inputs, actor: .system, source: .import)
            // Make every stored stage stale, so the recompute has something to write for everyone.
            try await (store.database as! any SQLDatabase).raw("""
                UPDATE customer_stats SET stage = 'prospect', stage_since = created.created_at \
                FROM (SELECT number, created_at FROM customers) AS created WHERE created.number = customer_stats.number
                """).run()
            let transactions = TransactionRepository(store, engine: engine)
            async let recompute = LifecycleRecompute(store, engine: engine).run(at: now, pageSize: 7)
            for id in ids.enumerated().filter({ $0.offset % 2 == 0 }).map(\.element) {
                _ = try await transactions.record(
                    TransactionInput(customerID: id, kind: .purchase, occurredAt: now, currency: "CNY",
                                     amountMinor: 500),
                    visibleTo: .all, actor: .system, source: .api)
            }
            _ = try await recompute
            let again = try await LifecycleRecompute(store, engine: engine).run(at: store.clock.now())
            #expect(again.events == 0)
            #expect(again.stageChanged == 0)
            for (index, id) in ids.enumerated() {
                let customer = try await CustomerRepository(store).find(id, visibleTo: .all)
                #expect(customer.stats.stage.stage == (index % 2 == 0 ? .active : .silent))
                #expect(customer.stats.purchases.ordersCount == (index % 2 == 0 ? 2 : 1))
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
