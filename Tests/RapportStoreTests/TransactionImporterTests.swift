import FluentKit
import Foundation
import RapportCore
import RapportStore
import SQLKit
import Testing

@Suite("Store: importing transactions")
struct TransactionImporterTests {
    static let documents = TransactionImportDocument(baseCurrency: "CNY", defaultPhoneRegion: "CN")

    /// Items from import documents, the purchase's members by default; occurrences counted as the CLI counts them.
    static func items(_ overrides: [[String: JSONValue]]) -> [ImportItem<TransactionImport>] {
        var occurrences = ImportOccurrences()
        return overrides.enumerated().map { index, members in
            var document: [String: JSONValue] = [
                "customer_external_id": "E-1", "kind": "purchase", "occurred_at": "2026-01-31T14:05:00+08:00",
                "currency": "CNY", "amount_minor": 10_000,
            ]
            document.merge(members) { $1 }
            document = document.filter { $0.value != .null }
            let parsed = Result { () throws(ValidationError) in try documents.parse(.object(document)) }
            let occurrence = (try? parsed.get()).map { occurrences.next($0.fingerprint) } ?? 1
            return ImportItem(rows: [(index + 2, JSONValue.object(document).encodedText())], parsed: parsed,
                              occurrence: occurrence)
        }
    }

    static func customers(_ store: RapportDatabase) async throws -> [UUID] {
        let parser = CustomerFieldsParser(defaultPhoneRegion: "CN")
        var ids: [UUID] = []
        for document: JSONValue in [
            ["name": "王小明", "phones": [["number": "13800138000"]], "external_ids": ["erp": "E-1"]],
            ["name": "李四", "external_ids": ["erp": "E-2"]],
            ["name": "张三", "phones": [["number": "13900139000"]]],
            ["name": "张三丰", "phones": [["number": "13900139000"]]],
        ] {
            ids.append(try await CustomerRepository(store).create(try parser.parse(document), actor: .system,
                                                                  source: .system).id)
        }
        return ids
    }

    static func count(_ table: String, _ store: RapportDatabase) async throws -> Int {
        try await CustomerImporterTests.count(table, store)
    }

    @Test("a dry run writes nothing; the import records what it said, once; the same rows again write nothing")
    func dryRunThenIdempotent() async throws {
        try await StoreHarness.run { store, _ in
            let ids = try await Self.customers(store)
            let importer = TransactionImporter(store, engine: LifecycleEngine())
            let items = Self.items([
                ["external_id": "O-1", "amount_minor": 10_000,
                 "lines": [["sku": "TEA-1", "name": "龙井", "quantity": 2, "unit_price_minor": 5_000]]],
                ["customer_external_id": .null, "customer_phone": "138 0013 8000", "amount_minor": 5_000],
                ["external_id": "R-1", "kind": "refund", "refund_of": "O-1", "amount_minor": 3_000,
                 "occurred_at": "2026-02-01T10:00:00+08:00"],
                ["customer_external_id": "E-9"],
                ["customer_external_id": .null, "customer_phone": "13900139000"],
                ["customer_external_id": "E-2", "kind": "refund", "amount_minor": 1_000],
                ["external_id": "O-1", "amount_minor": 12_000],
                ["external_id": "O-1", "amount_minor": 10_000,
                 "lines": [["sku": "TEA-1", "name": "龙井", "quantity": 2, "unit_price_minor": 5_000]]],
                ["amount_minor": -5],
                ["customer_external_id": "E-2", "kind": "refund", "refund_of": "O-1", "amount_minor": 1_000],
            ])
            let expected: [ImportOutcome.Action] = [.created, .created, .created, .rejected, .rejected, .rejected,
                                                    .rejected, .unchanged, .rejected, .rejected]
            let events = try await Self.count("customer_events", store)
            let planned = try await importer.importBatch(items, run: .dryRun, source: "erp", dryRun: ImportDryRun())
            #expect(planned.map(\.action) == expected)
            #expect(planned[3].reasons == ["customer_id: no customer has the external ID E-9 in erp"])
            #expect(planned[4].reasons.first?.contains("ambiguous") == true)
            #expect(planned[5].reasons.first?.contains("exceeds the customer's net spending") == true)
            #expect(planned[6].reasons.first?.contains("order O-1 is already recorded with other values") == true)
            #expect(planned[9].reasons.first?.contains("no purchase of this customer is O-1") == true)
            #expect(try await Self.count("transactions", store) == 0)
            #expect(try await Self.count("customer_events", store) == events)

            let run = try await ImportJournal(store).begin(.transactions, fileName: "t.csv", digest: "t1",
                                                           source: "erp")
            let done = try await importer.importBatch(items, run: run, source: "erp", dryRun: nil)
            #expect(done.map(\.action) == expected)
            #expect(done[0].number == planned[0].number && done[0].detail == "purchase O-1 ¥100.00")
            #expect(try await Self.count("transactions", store) == 3)
            let sql = store.database as! any SQLDatabase
            let refunded = try await sql.raw("SELECT refunded_minor FROM transactions WHERE external_id = 'O-1'")
                .first()?.decode(column: "refunded_minor", as: Int64.self)
            #expect(refunded == 3_000)
            let stats = try #require(try await sql.raw("""
                SELECT orders_count, total_spent_minor, stage FROM customer_stats WHERE customer_id = \(bind: ids[0])
                """).first())
            #expect(try stats.decode(column: "orders_count", as: Int64.self) == 2)
            #expect(try stats.decode(column: "total_spent_minor", as: Int64.self) == 12_000)
            let purchases = try await sql.raw("""
                SELECT actor_kind, actor_id, source, occurred_at FROM customer_events WHERE family = 'transaction'
                """).all()
            #expect(purchases.count == 3)
            #expect(try purchases.allSatisfy { row in
                try row.decode(column: "actor_id", as: UUID.self) == run.id
                    && row.decode(column: "actor_kind", as: String.self) == "import"
                    && row.decode(column: "source", as: String.self) == "import"
            })
            let times = Set(try purchases.map { RFC3339.format(try $0.decode(column: "occurred_at", as: Date.self)) })
            #expect(times == ["2026-01-31T06:05:00.000Z", "2026-02-01T02:00:00.000Z"])
            let products = try await Self.count("products", store)
            #expect(products == 1)

            let before = try await Self.count("customer_events", store)
            let again = try await ImportJournal(store).begin(.transactions, fileName: "t2.csv", digest: "t2",
                                                             source: "erp")
            let second = try await importer.importBatch(items, run: again, source: "erp", dryRun: nil)
            #expect(second.map(\.action) == [.unchanged, .unchanged, .unchanged, .rejected, .rejected, .rejected,
                                             .rejected, .unchanged, .rejected, .rejected])
            #expect(try await Self.count("customer_events", store) == before)
            #expect(try await Self.count("transactions", store) == 3)
        }
    }

    @Test("identical rows without an order number stay two, and are found again in their order")
    func identicalRows() async throws {
        try await StoreHarness.run { store, _ in
            _ = try await Self.customers(store)
            let importer = TransactionImporter(store, engine: LifecycleEngine())
            let items = Self.items([[:], [:], ["amount_minor": 20_000]])
            #expect(items.map(\.occurrence) == [1, 2, 1])
            let run = try await ImportJournal(store).begin(.transactions, fileName: "i.csv", digest: "i1",
                                                           source: "erp")
            // Split across batches, as a resumed run would take them.
            let first = try await importer.importBatch(Array(items.prefix(1)), run: run, source: "erp", dryRun: nil)
            let rest = try await importer.importBatch(Array(items.dropFirst()), run: run, source: "erp", dryRun: nil)
            #expect((first + rest).map(\.action) == [.created, .created, .created])
            let sql = store.database as! any SQLDatabase
            let orders = try await sql.raw("SELECT external_id FROM transactions").all()
                .map { try $0.decode(column: "external_id", as: String.self) }
            #expect(Set(orders).count == 3 && orders.allSatisfy { $0.hasPrefix("import-") && $0.count == 27 })
            let resumed = try await ImportJournal(store).begin(.transactions, fileName: "i.csv", digest: "i1",
                                                               source: "erp")
            #expect(resumed.id == run.id && resumed.lastLine == 4)
            let again = try await importer.importBatch(items, run: resumed, source: "erp", dryRun: nil)
            #expect(again.map(\.action) == [.unchanged, .unchanged, .unchanged])
        }
    }

    @Test("a refund of a purchase in the same batch, and one that would refund it twice over")
    func refundsInOneBatch() async throws {
        try await StoreHarness.run { store, _ in
            _ = try await Self.customers(store)
            let importer = TransactionImporter(store, engine: LifecycleEngine())
            let items = Self.items([
                ["external_id": "O-7", "amount_minor": 5_000],
                ["external_id": "R-7", "kind": "refund", "refund_of": "O-7", "amount_minor": 4_000,
                 "occurred_at": "2026-02-01T10:00:00+08:00"],
                ["external_id": "R-8", "kind": "refund", "refund_of": "O-7", "amount_minor": 2_000,
                 "occurred_at": "2026-02-01T10:00:00+08:00"],
                ["external_id": "R-9", "kind": "refund", "refund_of": "O-7", "amount_minor": 500,
                 "occurred_at": "2026-01-01T10:00:00+08:00"],
            ])
            let run = try await ImportJournal(store).begin(.transactions, fileName: "r.csv", digest: "r1",
                                                           source: "erp")
            let outcomes = try await importer.importBatch(items, run: run, source: "erp",
                                                          titles: ["amount_minor": "金额"], dryRun: nil)
            #expect(outcomes.map(\.action) == [.created, .created, .rejected, .rejected])
            #expect(outcomes[2].reasons.first?.hasPrefix("金额: the refund of 2000 exceeds") == true)
            #expect(outcomes[3].reasons.first?.contains("cannot precede the purchase") == true)
            let refunded = try await (store.database as! any SQLDatabase)
                .raw("SELECT refunded_minor FROM transactions WHERE external_id = 'O-7'").first()?
                .decode(column: "refunded_minor", as: Int64.self)
            #expect(refunded == 4_000)
        }
    }

    @Test("a dry run's later batches see what its earlier ones would have written")
    func dryRunAcrossBatches() async throws {
        try await StoreHarness.run { store, _ in
            _ = try await Self.customers(store)
            let importer = TransactionImporter(store, engine: LifecycleEngine())
            let items = Self.items([
                ["external_id": "O-1", "amount_minor": 5_000],
                ["external_id": "R-1", "kind": "refund", "refund_of": "O-1", "amount_minor": 4_000,
                 "occurred_at": "2026-02-01T10:00:00+08:00"],
                ["external_id": "R-2", "kind": "refund", "refund_of": "O-1", "amount_minor": 2_000,
                 "occurred_at": "2026-02-01T10:00:00+08:00"],
                ["external_id": "R-3", "kind": "refund", "amount_minor": 1_001],
                ["external_id": "O-1", "amount_minor": 5_000],
            ])
            let dryRun = ImportDryRun()
            var outcomes: [ImportOutcome] = []
            for item in items {
                outcomes += try await importer.importBatch([item], run: .dryRun, source: "erp", dryRun: dryRun)
            }
            #expect(outcomes.map(\.action) == [.created, .created, .rejected, .rejected, .unchanged])
            #expect(outcomes[2].reasons.first?.contains("left to refund of the purchase, 1000") == true)
            #expect(outcomes[3].reasons.first?.contains("net spending, 1000") == true)
            #expect(try await Self.count("transactions", store) == 0)
        }
    }
}
