import Foundation
import Testing
@testable import RapportCore

@Suite("Customer export: CSV and JSON Lines that import back to the same customers")
struct CustomerExportTests {
    let parser = CustomerFieldsParser(defaultPhoneRegion: "CN")
    let created = Date(timeIntervalSince1970: 1_767_225_600)

    /// The export's configurations: every key in the JSON cells, and some keys in columns of their own.
    static let exports = [
        CustomerExportRow(),
        CustomerExportRow(attributeKeys: ["会员等级", "积分", "code", "=calc", "a,b", "会员等级", " padded", "x\u{1}"],
                          externalIDSources: ["erp", "youzan"], socialNetworks: ["wechat", "weibo"]),
    ]

    /// Customers as the API would store them: generated documents with awkward content, through the API's parser.
    func customers(count: Int, seed: UInt64) throws -> [Customer] {
        var generator = CustomerGenerator(seed: seed)
        return try (1...count).map { index in
            let document = generator.document(index: index)
            let fields = try parser.parse(document)
            return Customer(id: generator.uuid(), number: CustomerNumber(Int64(index)), fields: fields,
                            createdAt: created, updatedAt: created.addingTimeInterval(Double(index)),
                            archivedAt: index % 7 == 0 ? created.addingTimeInterval(86_400) : nil, version: 1)
        }
    }

    /// The CSV text of `customers`, as an export writes it: a byte order mark, the header, a record each.
    func csv(_ customers: [Customer], export: CustomerExportRow) -> String {
        DelimitedTextWriter.byteOrderMark + DelimitedTextWriter.record(export.header)
            + customers.map { DelimitedTextWriter.record(export.record($0)) }.joined()
    }

    @Test("exported CSV imports back, with the automatic mapping, to the same fields", arguments: [0, 1])
    func csvRoundTrip(export: Int) throws {
        let export = Self.exports[export]
        let customers = try customers(count: 400, seed: 42)
        let reader = try DelimitedTextReader(data: Data(csv(customers, export: export).utf8))
        #expect(reader.header == export.header)
        #expect(reader.delimiter == ",")
        let mapping = try CustomerImportMapping(header: reader.header)
        let rows = CustomerImportRow(header: reader.header, mapping: mapping, source: "import",
                                     defaultPhoneRegion: "CN")
        var imported = 0
        for (result, customer) in zip(reader, customers) {
            let record = try result.get()
            let (fields, given) = try rows.parse(record.fields)
            if fields != customer.fields {
                Issue.record("line \(record.line): \(fields.documentText)\n  !=  \(customer.fields.documentText)")
            }
            #expect(CustomerFields(name: "").merging(fields, given: given) == fields)
            imported += 1
        }
        #expect(imported == customers.count)
    }

    @Test("exported JSON Lines — the API's customer objects — import back to the same fields")
    func jsonLinesRoundTrip() throws {
        let customers = try customers(count: 400, seed: 7)
        let text = customers.map { customer in
            var members = customer.fields.document.objectValue ?? [:]
            members["id"] = .string(UUIDText.format(customer.id))
            members["number"] = .string(customer.number.description)
            members["created_at"] = .string(RFC3339.format(customer.createdAt))
            members["updated_at"] = .string(RFC3339.format(customer.updatedAt))
            members["archived_at"] = customer.archivedAt.map { .string(RFC3339.format($0)) } ?? .null
            members.merge(CustomerStats.initial(createdAt: customer.createdAt).json) { old, _ in old }
            return JSONValue.object(members).encodedText() + "\n"
        }.joined()
        let importer = CustomerImportDocument(source: "import", defaultPhoneRegion: "CN")
        let lines = try JSONLinesReader(data: Data(text.utf8)).map { try $0.get() }
        #expect(lines.count == customers.count)
        for (line, customer) in zip(lines, customers) {
            let (fields, given) = try importer.parse(line.value)
            #expect(fields == customer.fields, "line \(line.line)")
            #expect(given == Set(CustomerFields.keys))
            #expect(CustomerFields(name: "").merging(fields, given: given) == fields)
        }
    }

    @Test("the generated customers reach both the plain and the JSON form of every column that has two")
    func generatedCoverage() throws {
        let export = Self.exports[1]
        let records = try customers(count: 400, seed: 42).map { export.record($0) }
        func cells(_ title: String) -> [String] {
            let index = export.header.firstIndex(of: title)!
            return records.map { $0[index] }.filter { !$0.isEmpty }
        }
        for title in ["email", "phone", "tags"] {
            #expect(cells(title).contains { $0.hasPrefix("[") }, "\(title) as JSON")
            #expect(cells(title).contains { !$0.hasPrefix("[") }, "\(title) as text")
        }
        for title in ["social", "social.wechat", "addresses", "street", "attributes", "external_ids", "external_id.erp",
                      "owner_id", "birthday", "consent.sms", "archived_at"] {
            #expect(!cells(title).isEmpty, "\(title)")
        }
        let typed = cells("attribute.积分") + cells("attribute.code") + cells("attribute.=calc")
        #expect(typed.contains { $0.hasPrefix("\"") })
        #expect(typed.contains { Double($0) != nil })
        #expect(typed.contains { $0 == "true" || $0 == "false" })
        #expect(typed.contains { CustomerImportRow.typedValue($0).stringValue == $0 })
        #expect(cells("name").contains { DelimitedTextWriter.guardingFormula($0) != $0 })
        #expect(cells("attributes").contains { $0.contains("\\t") })
    }

    @Test("the export's titles map back to their fields; the read-only columns are ignored")
    func exportedHeader() throws {
        let export = Self.exports[1]
        #expect(export.header == [
            "number", "name", "kind", "email", "phone", "social.wechat", "social.weibo", "social", "country",
            "province", "city", "district", "street", "postal_code", "addresses", "tags", "attribute.会员等级",
            "attribute.积分", "attribute.code", "attribute.=calc", "attribute.a,b", "attributes", "owner_id", "team",
            "source", "birthday", "consent.email", "consent.sms", "consent.phone", "consent.wechat",
            "external_id.erp", "external_id.youzan", "external_ids", "created_at", "updated_at", "archived_at",
        ])
        let mapping = try CustomerImportMapping(header: export.header)
        #expect(mapping.columns == [
            .ignore, .name, .kind, .email, .phone, .socialHandle("wechat"), .socialHandle("weibo"), .social, .country,
            .province, .city, .district, .street, .postalCode, .addresses, .tags, .typedAttribute("会员等级"),
            .typedAttribute("积分"), .typedAttribute("code"), .typedAttribute("=calc"), .typedAttribute("a,b"),
            .attributes, .ownerID, .team, .source, .birthday, .consent("email"), .consent("sms"), .consent("phone"),
            .consent("wechat"), .externalIDIn("erp"), .externalIDIn("youzan"), .externalIDs, .ignore, .ignore, .ignore,
        ])
        // Each spelling reads back as the column it describes, for --map and for the import's digest.
        for column in mapping.columns where column != .ignore {
            #expect(CustomerColumn(spelled: column.description) == column)
        }
    }

    @Test("a record: plain cells where they read back, JSON where they would not, formulas guarded")
    func record() throws {
        let fields = try parser.parse([
            "name": "=HYPERLINK(\"x\")", "kind": "organization",
            "emails": [["address": "a@x.cn"], ["address": "b@x.cn", "label": "work"]],
            "phones": [["number": "13800138000"], ["number": "13900139000"]],
            "social": [["network": "weibo", "handle": "@li"], ["network": "wechat", "handle": "li_wei"]],
            "addresses": [["city": "上海市", "street": "世纪大道100号"]],
            "tags": ["vip", "B2B/B2C"], "attributes": ["积分": 100, "code": "007", "会员等级": "金卡", "vip": true],
            "consent": ["sms": true, "email": false], "external_ids": ["erp": "-17", "shop": "S1"],
            "birthday": "1990-03-08",
        ])
        let export = Self.exports[1]
        let cells = Dictionary(uniqueKeysWithValues: zip(export.header, export.record(
            number: CustomerNumber(12), fields: fields, createdAt: created, updatedAt: created, archivedAt: nil)))
        #expect(cells["number"] == "C-000012")
        #expect(cells["email"]
            == #"[{"address":"a@x.cn","primary":true},{"address":"b@x.cn","label":"work","primary":false}]"#)
        #expect(cells["phone"] == "+8613800138000; +8613900139000")
        // Weibo before WeChat is not the columns' order, so the list keeps its order in the JSON cell.
        #expect(cells["social.wechat"] == "")
        #expect(cells["social"] == #"[{"handle":"@li","network":"weibo"},{"handle":"li_wei","network":"wechat"}]"#)
        #expect(cells["city"] == "上海市")
        #expect(cells["addresses"] == "")
        #expect(cells["tags"] == #"["vip","B2B/B2C"]"#)
        #expect(cells["attribute.积分"] == "100")
        #expect(cells["attribute.code"] == "007")
        #expect(cells["attribute.会员等级"] == "金卡")
        #expect(cells["attributes"] == #"{"vip":true}"#)
        #expect(cells["consent.sms"] == "true")
        #expect(cells["consent.email"] == "false")
        #expect(cells["consent.phone"] == "")
        #expect(cells["external_id.erp"] == "-17")
        #expect(cells["external_ids"] == #"{"shop":"S1"}"#)
        #expect(cells["created_at"] == RFC3339.format(created))
        #expect(cells["archived_at"] == "")
        let empty = export.record(number: CustomerNumber(1), fields: CustomerFields(name: "甲"), createdAt: created,
                                  updatedAt: created, archivedAt: nil)
        #expect(zip(export.header, empty).filter { !$0.1.isEmpty }.map(\.0)
            == ["number", "name", "kind", "created_at", "updated_at"])
        let line = DelimitedTextWriter.record(export.header.map { cells[$0] ?? "" })
        #expect(line.hasPrefix(#"C-000012,"'=HYPERLINK(""x"")",organization,"#))
        #expect(line.contains(#","'+8613800138000; +8613900139000","#))
        #expect(line.contains(",'-17,"))
        #expect(line.hasSuffix("\r\n"))
    }

    @Test("typed attribute cells: text where text reads back, JSON otherwise", arguments: [
        (JSONValue.string("金卡"), "金卡"), (.string("100"), "\"100\""), (.number(100), "100"), (.number(-1.5), "-1.5"),
        (.bool(true), "true"), (.string("true"), "\"true\""), (.string("007"), "007"), (.string("\"q\""), #""\"q\"""#),
        (.string("a\tb"), #""a\tb""#), (.string("two\nlines"), "two\nlines"), (.string(""), #""""#),
        (.number(1e300), "1e+300"), (.string("tea"), "tea"), (.string("-"), "-"),
    ])
    func typedCells(value: JSONValue, cell: String) {
        #expect(CustomerExportRow.typedCell(value) == cell)
        #expect(CustomerImportRow.typedValue(cell) == value)
    }

    @Test("spreadsheet columns keep their meaning: a guessed attribute is text, a tag cell that is not JSON is split")
    func spreadsheetColumnsUnchanged() throws {
        let header = ["姓名", "积分", "标签", "number", "Number", "ignore"]
        let mapping = try CustomerImportMapping(header: header)
        #expect(mapping.columns
            == [.name, .attribute("积分"), .tags, .ignore, .attribute("Number"), .attribute("ignore")])
        let row = CustomerImportRow(header: header, mapping: mapping, source: "erp", defaultPhoneRegion: "CN")
        let fields = try row.fields(of: ["甲", "100", "[VIP]、老客户", "C-000001", "x", "y"])
        #expect(fields.attributes == ["积分": "100", "Number": "x", "ignore": "y"])
        #expect(fields.tags == ["[VIP]", "老客户"])
        #expect(try row.fields(of: ["'=甲", "'100", #"["a,b","c"]"#, "", "", ""]).tags == ["a,b", "c"])
    }

    @Test("a bad JSON cell is rejected under its column's title")
    func badJSONCell() throws {
        let header = ["name", "addresses", "attributes", "email"]
        let row = CustomerImportRow(header: header, mapping: try CustomerImportMapping(header: header),
                                    source: "erp", defaultPhoneRegion: "CN")
        func rejected(_ record: [String]) -> Set<String> {
            Set(invalidFields { () throws(ValidationError) in try row.fields(of: record) })
        }
        #expect(rejected(["甲", "[{", "", ""]) == ["addresses"])
        #expect(rejected(["甲", "", "[1]", ""]) == ["attributes"])
        #expect(rejected(["甲", "", #"{"a":[1]}"#, ""]) == ["attributes"])
        #expect(rejected(["甲", #"[{"city":1}]"#, "", ""]) == ["addresses"])
        #expect(rejected(["甲", "", "", #"[{"address":"a@x.cn","label":7}]"#]) == ["email"])
        #expect(try row.fields(of: ["甲", "", "", #"["A@X.cn", {"address": "b@x.cn", "primary": true}]"#]).emails
            == [EmailEntry(address: "a@x.cn"), EmailEntry(address: "b@x.cn", primary: true)])
    }

    @Test("CSV fields: quoted only where needed, formulas guarded and unguarded", arguments: [
        ("plain", "plain"), ("", ""), ("Li, Wei", "\"Li, Wei\""), ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("two\nlines", "\"two\nlines\""), ("a;b", "\"a;b\""), ("a|b", "\"a|b\""), (" x", "\" x\""), ("x　", "\"x　\""),
        ("=1+1", "'=1+1"), ("+86", "'+86"), ("-5", "'-5"), ("@x", "'@x"), ("'=x", "''=x"), ("'x", "'x"), ("'", "'"),
        ("=a,b", "\"'=a,b\""), ("中文", "中文"), ("ａ＝", "ａ＝"),
    ])
    func csvField(value: String, written: String) throws {
        #expect(DelimitedTextWriter.field(value) == written)
        #expect(DelimitedTextWriter.unguardingFormula(DelimitedTextWriter.guardingFormula(value)) == value)
        let read = try DelimitedTextReader(data: Data(("v\r\n" + DelimitedTextWriter.record([value])).utf8))
            .map { try $0.get().fields }
        // An empty value alone on its line is a blank line, which the reader skips.
        #expect(read == (value.isEmpty ? [] : [[DelimitedTextWriter.guardingFormula(value)]]))
    }

    @Test("JSON Lines customers: read-only keys ignored, unknown keys named, external_id under the source")
    func importDocument() throws {
        let importer = CustomerImportDocument(source: "ERP", defaultPhoneRegion: "CN")
        let (fields, given) = try importer.parse([
            "id": "0190b7d4-0000-7000-8000-000000000001", "number": "C-000001", "stage": "active", "version": 3,
            "name": "王小明", "external_id": 77, "team": nil, "external_ids": ["shop": "S1"],
        ])
        #expect(fields.externalIDs == ["erp": "77", "shop": "S1"])
        #expect(given == ["name", "team", "external_ids"])
        #expect(try importer.parse(["name": "甲", "external_id": "A1", "external_ids": ["erp": "A1"]]).fields
            .externalIDs == ["erp": "A1"])
        let errors: [FieldError]
        do {
            _ = try importer.parse(["name": "甲", "nickname": "x", "external_id": "A1", "external_ids": ["Erp": "B2"]])
            errors = []
        } catch {
            errors = error.errors
        }
        #expect(errors.map(\.field) == ["external_id", "nickname"])
        #expect(errors.map(\.code) == ["conflict", "unknown_field"])
        func rejected(_ document: JSONValue) -> [String] {
            invalidFields { () throws(ValidationError) in try importer.parse(document) }
        }
        #expect(rejected(["name": "甲", "external_id": [1]]) == ["external_id"])
        #expect(rejected(["phones": [["number": "12"]]]) == ["name", "phones[0].number"])
    }
}

/// Customer documents with awkward content, the same for the same seed.
struct CustomerGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    /// Pieces of text that trouble CSV, spreadsheets, the import's splitting or its typed cells.
    static let pieces = [
        "王小明", "Li, Wei", "say \"hi\"", "two\nlines", "=1+1", "+86", "-5", "@home", "'=x", "'", "ＡＢＣ１２３",
        "　全角空格　", "a;b", "x|y", "a/b", "顿号、分隔", "[VIP]", "{x}", "true", "007", "1.5", "null", "\"q\"",
        " padded ", "😀", "e\u{301}", "C-000123", "上海市浦东新区", "ß", "100%", "#1", "\\", ",",
    ]
    static let networks = ["wechat", "weibo", "douyin", "linkedin"]
    static let sources = ["erp", "youzan", "shopify", "Weidian"]
    static let attributeKeys = ["会员等级", "积分", "code", "=calc", "a,b", "vip", "key \"q\"", "number", "备注"]
    static let numbers: [Double] = [0, 1, -1, 100, -0.25, 1.5, 1e300, 123_456_789_012, 9_007_199_254_740_992, 3.14159]

    mutating func next() -> UInt64 {
        // SplitMix64.
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    mutating func chance(_ percent: Int) -> Bool { int(1...100) <= percent }

    mutating func pick<T>(_ values: [T]) -> T { values[int(0...(values.count - 1))] }

    mutating func uuid() -> UUID {
        let (a, b) = (next(), next())
        return UUID(uuid: (UInt8(a & 0xFF), UInt8(a >> 8 & 0xFF), UInt8(a >> 16 & 0xFF), UInt8(a >> 24 & 0xFF),
                           UInt8(a >> 32 & 0xFF), UInt8(a >> 40 & 0xFF), UInt8(a >> 48 & 0x0F) | 0x70,
                           UInt8(a >> 56), UInt8(b & 0x3F) | 0x80, UInt8(b >> 8 & 0xFF), UInt8(b >> 16 & 0xFF),
                           UInt8(b >> 24 & 0xFF), UInt8(b >> 32 & 0xFF), UInt8(b >> 40 & 0xFF),
                           UInt8(b >> 48 & 0xFF), UInt8(b >> 56)))
    }

    /// One to three pieces, sometimes with a letter so that trimming leaves something.
    mutating func text() -> String {
        (0..<int(1...3)).map { _ in pick(Self.pieces) }.joined() + (chance(20) ? "x" : "")
    }

    mutating func optionalText() -> JSONValue {
        chance(50) ? .string(text()) : chance(50) ? .null : .string("")
    }

    mutating func document(index: Int) -> JSONValue {
        var members: [String: JSONValue] = ["name": .string(pick(Self.pieces) + text() + "\(index)")]
        members["kind"] = chance(50) ? "person" : chance(50) ? "organization" : nil
        let emailCount = int(0...3), emailPrimary = int(-1...emailCount)
        members["emails"] = .array((0..<emailCount).map { item in
            let local = pick(["Li.Wei", "a/b", "x|y", "o'neil", "w+tag", "a、b", "张三", "=cmd", "-x"])
            var entry: JSONValue = ["address": .string("\(local)\(index)_\(item)@" + pick(["Example.COM", "例子.中国"]))]
            if chance(30) { entry = merged(entry, ["label": .string(String(text().prefix(20)))]) }
            if item == emailPrimary { entry = merged(entry, ["primary": true]) }
            return entry
        })
        let phoneCount = int(0...3), phonePrimary = int(-1...phoneCount)
        members["phones"] = .array((0..<phoneCount).map { item in
            let serial = String(index * 10 + item)
            let number = "13\(int(3...9))" + String(repeating: "0", count: 8 - serial.count) + serial
            var entry: JSONValue = ["number": .string(chance(50) ? number : "+86 " + number)]
            if chance(30) { entry = merged(entry, ["label": .string(String(text().prefix(20)))]) }
            if item == phonePrimary { entry = merged(entry, ["primary": true]) }
            return entry
        })
        members["social"] = .array((0..<int(0...3)).map { _ in
            ["network": .string(pick(Self.networks)), "handle": .string(String(text().prefix(60)) + "h")]
        })
        members["addresses"] = .array((0..<pick([0, 1, 1, 1, 2, 3])).map { _ in
            var address: [String: JSONValue] = ["city": .string(String(text().prefix(30)) + "市")]
            for key in ["country", "province", "district", "street"] where chance(50) {
                address[key] = .string(String(text().prefix(40)))
            }
            if chance(30) { address["postal_code"] = .string(pick(["200120", "=1", "0012", "a,b"])) }
            if chance(30) { address["label"] = .string(String(text().prefix(30))) }
            return .object(address)
        })
        members["tags"] = .array((0..<int(0...4)).map { _ in .string(String(text().prefix(40)) + "t") })
        var attributes: [String: JSONValue] = [:]
        for _ in 0..<int(0...5) {
            attributes[pick(Self.attributeKeys)] = switch int(0...4) {
            case 0: .string(text() + (chance(20) ? "\t\r\n\u{0}" : ""))
            case 1: .number(pick(Self.numbers) * (chance(50) ? 1 : -1))
            case 2: .bool(chance(50))
            case 3: .string(pick(["100", "true", "007", "-5", "1e3", "\"q\"", "", " "]))
            default: .null
            }
        }
        members["attributes"] = .object(attributes)
        if chance(40) { members["owner_id"] = .string(UUIDText.format(uuid(), uppercase: chance(50))) }
        members["team"] = optionalText()
        members["source"] = optionalText()
        if chance(50) { members["birthday"] = .string(CalendarDate(dayNumber: int(-25_000...18_000)).description) }
        var consent: [String: JSONValue] = [:]
        for channel in Consent.channels where chance(60) { consent[channel] = .bool(chance(50)) }
        members["consent"] = .object(consent)
        var ids: [String: JSONValue] = [:]
        for _ in 0..<int(0...3) { ids[pick(Self.sources)] = .string(pick(["0042", "=1", "-17", "A,1"]) + text()) }
        members["external_ids"] = .object(ids)
        return .object(members)
    }

    private func merged(_ object: JSONValue, _ more: [String: JSONValue]) -> JSONValue {
        .object((object.objectValue ?? [:]).merging(more) { _, new in new })
    }
}
