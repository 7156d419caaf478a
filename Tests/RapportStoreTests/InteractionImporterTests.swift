import FluentKit
import Foundation
import RapportCore
import RapportStore
import SQLKit
import Testing

@Suite("Store: importing interactions")
struct InteractionImporterTests {
    static let documents = InteractionImportDocument(defaultPhoneRegion: "CN")

    /// Items from import documents, a call by default; occurrences counted as the CLI counts them.
    static func items(_ overrides: [[String: JSONValue]]) -> [ImportItem<InteractionImport>] {
        var occurrences = ImportOccurrences()
        return overrides.enumerated().map { index, members in
            var document: [String: JSONValue] = [
                "customer_id": "E-1", "channel": "phone", "direction": "outbound",
                "occurred_at": "2026-01-31T14:05:00+08:00", "subject": "回访",
            ]
            document.merge(members) { $1 }
            document = document.filter { $0.value != .null }
            let parsed = Result { () throws(ValidationError) in try documents.parse(.object(document)) }
            let occurrence = (try? parsed.get()).map { occurrences.next($0.fingerprint) } ?? 1
            return ImportItem(rows: [(index + 2, JSONValue.object(document).encodedText())], parsed: parsed,
                              occurrence: occurrence)
        }
    }

    @Test("a dry run writes nothing; identical calls stay two; the same rows again write nothing; changed rows are refused")
    func dryRunThenIdempotent() async throws {
        try await StoreHarness.run { store, _ in
            let ids = try await TransactionImporterTests.customers(store)
            let importer = InteractionImporter(store, engine: LifecycleEngine())
            let items = Self.items([
                ["external_id": "CALL-1", "duration_seconds": 330],
                [:],
                [:],
                ["customer_id": "C-000002", "channel": "wechat", "subject": "新品推荐"],
                ["customer_id": "E-9"],
                ["user_id": "0d6a2f3e-7b1c-4f5e-9a8b-1c2d3e4f5a6b"],
                ["occurred_at": "2099-01-01T00:00:00Z"],
            ])
            #expect(items.map(\.occurrence) == [1, 1, 2, 1, 1, 1, 1])
            let expected: [ImportOutcome.Action] = [.created, .created, .created, .created, .rejected, .rejected,
                                                    .rejected]
            let planned = try await importer.importBatch(items, run: .dryRun, source: "erp", dryRun: ImportDryRun())
            #expect(planned.map(\.action) == expected)
            #expect(planned[4].reasons == ["customer_id: no customer has the external ID E-9 in erp"])
            #expect(planned[5].reasons == ["user_id: no user has this ID"])
            #expect(try await CustomerImporterTests.count("interactions", store) == 0)

            let run = try await ImportJournal(store).begin(.interactions, fileName: "i.csv", digest: "i1",
                                                           source: "erp")
            let done = try await importer.importBatch(items, run: run, source: "erp", dryRun: nil)
            #expect(done.map(\.action) == expected)
            #expect(try await CustomerImporterTests.count("interactions", store) == 4)
            let sql = store.database as! any SQLDatabase
            let last = try await sql.raw("""
                SELECT last_interaction_at FROM customer_stats WHERE customer_id = \(bind: ids[0])
                """).first()?.decode(column: "last_interaction_at", as: Date?.self)
            #expect(last.map(RFC3339.format) == "2026-01-31T06:05:00.000Z")
            let events = try await sql.raw("""
                SELECT actor_id, source FROM customer_events WHERE family = 'relationship'
                """).all()
            #expect(events.count == 4)
            #expect(try events.allSatisfy {
                try $0.decode(column: "actor_id", as: UUID.self) == run.id
                    && $0.decode(column: "source", as: String.self) == "import"
            })

            let before = try await CustomerImporterTests.count("customer_events", store)
            let again = try await importer.importBatch(items, run: run, source: "erp", dryRun: nil)
            #expect(again.map(\.action) == [.unchanged, .unchanged, .unchanged, .unchanged, .rejected, .rejected,
                                            .rejected])
            #expect(try await CustomerImporterTests.count("customer_events", store) == before)

            let changed = try await importer.importBatch(Self.items([["external_id": "CALL-1", "subject": "改了"]]),
                                                         run: run, source: "erp", titles: ["external_id": "记录编号"],
                                                         dryRun: nil)
            #expect(changed.map(\.action) == [.rejected])
            #expect(changed[0].reasons.first?.hasPrefix("记录编号: interaction") == true)
        }
    }

    @Test("an exported interaction, named by its ID, imports back unchanged")
    func exportedIDs() async throws {
        try await StoreHarness.run { store, _ in
            let ids = try await TransactionImporterTests.customers(store)
            let recorded = try await InteractionRepository(store, engine: LifecycleEngine()).record(
                InteractionParser().parse([
                    "customer_id": .string(UUIDText.format(ids[1])), "channel": "email", "direction": "inbound",
                    "occurred_at": "2026-01-02T03:04:05.678Z", "subject": "发票",
                ]), visibleTo: .all, actor: .system, source: .api)
            var exported = recorded.json.objectValue ?? [:]
            exported["user_id"] = nil
            let importer = InteractionImporter(store, engine: LifecycleEngine())
            let run = try await ImportJournal(store).begin(.interactions, fileName: "e.jsonl", digest: "e1",
                                                           source: "erp")
            let outcome = try await importer.importBatch(Self.items([exported]), run: run, source: "erp",
                                                         dryRun: nil)
            #expect(outcome.map(\.action) == [.unchanged])
            #expect(try await CustomerImporterTests.count("interactions", store) == 1)
        }
    }
}
