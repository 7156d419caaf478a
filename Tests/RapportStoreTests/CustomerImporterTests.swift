import FluentKit
import Foundation
import RapportCore
import RapportStore
import SQLKit
import Testing

@Suite("Store: importing customers")
struct CustomerImporterTests {
    static let header = ["姓名", "手机", "邮箱", "城市", "客户编号"]

    static func records(_ rows: [[String]]) throws -> [ImportRecord] {
        let mapping = try CustomerImportMapping(header: header)
        let reader = CustomerImportRow(header: header, mapping: mapping, source: "erp", defaultPhoneRegion: "CN")
        return rows.enumerated().map { index, fields in
            ImportRecord(line: index + 2, raw: fields.joined(separator: ","), parsed: Result {
                () throws(ValidationError) in try reader.parse(fields)
            })
        }
    }

    static func count(_ table: String, _ store: RapportDatabase) async throws -> Int {
        let row = try await (store.database as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM \(ident: table)").first()
        return try row?.decode(column: "n", as: Int.self) ?? -1
    }

    @Test("a dry run writes nothing; the import then does what it said; a second import of the rows changes nothing")
    func dryRunThenIdempotent() async throws {
        try await StoreHarness.run { store, _ in
            let importer = CustomerImporter(store, engine: LifecycleEngine())
            let existing = try await CustomerRepository(store).create(
                try CustomerFieldsParser(defaultPhoneRegion: "CN").parse(["name": "老王", "phones": [["number": "13900139000"]]]),
                actor: .system, source: .system)
            let rows = try Self.records([
                ["王小明", "13800138000", "xm@example.com", "上海市", "E-1"],
                ["王二", "139 0013 9000", "", "北京市", ""],
                ["王小明", "", "XM@Example.com", "", ""],
                ["坏行", "12", "", "", ""],
                ["两个人", "13900139000", "xm@example.com", "", ""],
            ])
            let events = try await Self.count("customer_events", store)
            let planned = try await importer.importBatch(rows, run: .dryRun, source: "erp", dryRun: true)
            #expect(planned.map(\.action) == [.created, .updated, .unchanged, .rejected, .flagged])
            #expect(planned[1].number == existing.number)
            #expect(planned[1].changes.map(\.field).sorted() == ["addresses", "name"])
            #expect(try await Self.count("customer_events", store) == events)
            #expect(try await Self.count("customers", store) == 1)

            let run = try await importer.begin(fileName: "c.csv", digest: "d1", source: "erp")
            let done = try await importer.importBatch(rows, run: run, source: "erp", dryRun: false)
            #expect(done.map(\.action) == planned.map(\.action))
            #expect(try await Self.count("customers", store) == 2)
            let sql = store.database as! any SQLDatabase
            let actors = try await sql.raw("""
                SELECT DISTINCT actor_kind, actor_id, source FROM customer_events WHERE source = 'import'
                """).all()
            #expect(actors.count == 1)
            #expect(try actors.first?.decode(column: "actor_id", as: UUID.self) == run.id)
            #expect(try actors.first?.decode(column: "actor_kind", as: String.self) == "import")

            let resumed = try await importer.begin(fileName: "c.csv", digest: "d1", source: "erp")
            #expect(resumed.id == run.id && resumed.lastLine == 6 && !resumed.finished)
            try await importer.finish(resumed)
            #expect(try await importer.begin(fileName: "c.csv", digest: "d1", source: "erp").finished)

            let again = try await importer.begin(fileName: "c2.csv", digest: "d2", source: "erp")
            let before = try await Self.count("customer_events", store)
            let second = try await importer.importBatch(Array(rows.prefix(3)), run: again, source: "erp", dryRun: false)
            #expect(second.map(\.action) == [.unchanged, .unchanged, .unchanged])
            #expect(try await Self.count("customer_events", store) == before)
        }
    }

    @Test("rows of one batch that share a key or a customer are taken one after the other, as if imported singly")
    func sharedKeysWithinABatch() async throws {
        try await StoreHarness.run { store, _ in
            let importer = CustomerImporter(store, engine: LifecycleEngine())
            let parser = CustomerFieldsParser(defaultPhoneRegion: "CN")
            let existing = try await CustomerRepository(store).create(
                try parser.parse(["name": "老王", "phones": [["number": "13900139000"]],
                                  "emails": [["address": "wang@example.com"]]]),
                actor: .system, source: .system)
            let rows = try Self.records([
                ["新客", "13800138000", "", "", "E-9"],
                ["新客", "13800138000", "new@example.com", "", ""],
                ["新客", "13700137000", "new@example.com", "", ""],
                ["老王", "13900139000", "", "上海市", ""],
                ["老王", "", "wang@example.com", "北京市", ""],
                ["新客", "", "", "", "E-9"],
            ])
            let run = try await importer.begin(fileName: "s.csv", digest: "s1", source: "erp")
            let outcomes = try await importer.importBatch(rows, run: run, source: "erp", dryRun: false)
            #expect(outcomes.map(\.action) == [.created, .updated, .updated, .updated, .updated, .unchanged])
            #expect(Set(outcomes.dropFirst().prefix(2).map(\.number)) == [outcomes[0].number])
            #expect(outcomes[3].number == existing.number && outcomes[4].number == existing.number)
            #expect(try await Self.count("customers", store) == 2)

            let repository = CustomerRepository(store)
            let createdID = try #require(try await (store.database as! any SQLDatabase)
                .raw("SELECT id FROM customers WHERE id <> \(bind: existing.id)").first()?
                .decode(column: "id", as: UUID.self))
            let created = try await repository.find(createdID, visibleTo: .all).decoded().fields
            #expect(created.phones.map(\.number) == ["+8613800138000", "+8613700137000"])
            #expect(created.emails.map(\.address) == ["new@example.com"])
            #expect(created.externalIDs == ["erp": "E-9"])
            let wang = try await repository.find(existing.id, visibleTo: .all).decoded().fields
            #expect(wang.addresses.map(\.city) == ["上海市", "北京市"])
        }
    }

    @Test("a matched row naming an unknown owner or another's ID is rejected; an update writes row, IDs, contacts, search")
    func updatesCheckedAndWrittenInBulk() async throws {
        try await StoreHarness.run { store, _ in
            let importer = CustomerImporter(store, engine: LifecycleEngine())
            let parser = CustomerFieldsParser(defaultPhoneRegion: "CN")
            let repository = CustomerRepository(store)
            let holder = try await repository.create(
                try parser.parse(["name": "甲", "external_ids": ["erp": "E-1", "crm": "C-1"]]),
                actor: .system, source: .system)
            let matched = try await repository.create(
                try parser.parse(["name": "乙", "emails": [["address": "b@example.com"]]]),
                actor: .system, source: .system)
            let header = ["姓名", "手机", "邮箱", "客户编号", "owner", "crm"]
            let mapping = try CustomerImportMapping(header: header, overrides: ["owner": .ownerID,
                                                                               "crm": .externalIDIn("crm")])
            let reader = CustomerImportRow(header: header, mapping: mapping, source: "erp", defaultPhoneRegion: "CN")
            let rows = [
                ["乙", "", "b@example.com", "", UUID().uuidString, ""],
                ["乙", "13700137000", "b@example.com", "E-2", "", "C-1"],
                ["乙", "13700137000", "b@example.com", "E-2", "", ""],
            ]
            let records = rows.enumerated().map { index, fields in
                ImportRecord(line: index + 2, raw: fields.joined(separator: ","), parsed: Result {
                    () throws(ValidationError) in try reader.parse(fields)
                })
            }
            let events = try await Self.count("customer_events", store)
            let run = try await importer.begin(fileName: "u.csv", digest: "u1", source: "erp")
            let outcomes = try await importer.importBatch(records, run: run, source: "erp", dryRun: false)
            #expect(outcomes.map(\.action) == [.rejected, .rejected, .updated])
            #expect(outcomes[0].reasons.joined().contains("owner_id"))
            #expect(outcomes[1].reasons.joined().contains("external_ids.crm"))
            #expect(outcomes[2].number == matched.number)
            #expect(outcomes[2].changes.map(\.field).sorted() == ["external_ids", "phones"])
            #expect(try await Self.count("customer_events", store) == events + 2)

            let stored = try await repository.find(matched.id, visibleTo: .all)
            #expect(stored.version == matched.version + 1)
            #expect(try stored.decoded().fields.externalIDs == ["erp": "E-2"])
            #expect(try stored.decoded().fields.phones.map(\.number) == ["+8613700137000"])
            #expect(try await repository.find(holder.id, visibleTo: .all).decoded().fields.externalIDs
                == ["erp": "E-1", "crm": "C-1"])
            let found = try await repository.list(visibleTo: .all, search: "13700137", archived: false, before: nil,
                                                  limit: 10)
            #expect(found.map(\.id) == [matched.id])
            let sql = store.database as! any SQLDatabase
            let contacts = try await sql.raw("""
                SELECT kind, value FROM customer_contacts WHERE customer_id = \(bind: matched.id) ORDER BY kind
                """).all().map { try $0.decode(column: "value", as: String.self) }
            #expect(contacts == ["b@example.com", "+8613700137000"])
            let externalIDs = try await sql.raw("""
                SELECT source, external_id FROM customer_external_ids WHERE customer_id = \(bind: matched.id)
                """).all().map { try $0.decode(column: "external_id", as: String.self) }
            #expect(externalIDs == ["E-2"])
        }
    }
}
