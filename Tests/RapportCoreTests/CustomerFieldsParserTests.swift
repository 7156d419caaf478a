import Foundation
import Testing
@testable import RapportCore

@Suite("Parsing and normalising customer documents")
struct CustomerFieldsParserTests {
    let parser = CustomerFieldsParser(defaultPhoneRegion: "CN")

    func errors(_ document: JSONValue) -> [FieldError] {
        do {
            _ = try parser.parse(document)
            return []
        } catch {
            return error.errors
        }
    }

    @Test("a full document is normalised")
    func normalises() throws {
        let fields = try parser.parse([
            "kind": "organization", "name": " 上海某某贸易有限公司 ",
            "emails": [["address": "Sales@Trade.CN"], ["address": "boss@trade.cn", "primary": true]],
            "phones": [["number": "021-6888 8888", "label": "office"]],
            "addresses": [["province": "上海市", "city": "上海市", "street": "世纪大道１００号"]],
            "tags": ["b2b", "ｂ２ｂ", "外贸"],
            "external_ids": ["ERP": " 00042 "],
            "birthday": "2000-02-29",
        ])
        #expect(fields.kind == .organization)
        #expect(fields.name == "上海某某贸易有限公司")
        #expect(fields.emails.map(\.address) == ["sales@trade.cn", "boss@trade.cn"])
        #expect(fields.emails.map(\.primary) == [false, true])
        #expect(fields.phones == [PhoneEntry(number: "+862168888888", label: "office", primary: true)])
        #expect(fields.addresses.first?.street == "世纪大道100号")
        #expect(fields.tags == ["b2b", "外贸"])
        #expect(fields.externalIDs == ["erp": "00042"])
        #expect(fields.birthday?.description == "2000-02-29")
    }

    @Test("every problem is reported with its path, in one error")
    func collectsAllErrors() {
        let found = errors([
            "name": "", "kind": "alien", "emails": [["address": "a@b.cn"], "x"], "phones": [["number": "12"]],
            "tags": [1], "attributes": ["ok": 1, "bad": [1]], "consent": ["fax": true], "mood": "happy",
            "created_at": "2020-01-01T00:00:00Z",
        ])
        let fields = Set(found.map(\.field))
        #expect(fields == ["name", "kind", "emails[1]", "phones[0].number", "tags[0]", "attributes.bad", "consent.fax",
                           "mood", "created_at"])
        #expect(found.first { $0.field == "mood" }?.code == "unknown_field")
        #expect(found.first { $0.field == "created_at" }?.code == "read_only_field")
        #expect(found.first { $0.field == "emails[1]" }?.code == "wrong_type")
    }

    @Test("a merge patch may not name unknown or read-only fields even to clear them")
    func patchKeys() throws {
        let current = try parser.parse(["name": "A", "tags": ["x"]])
        #expect(throws: ValidationError.self) { try parser.parsePatch(["number": nil], onto: current) }
        #expect(throws: ValidationError.self) { try parser.parsePatch(["nickname": nil], onto: current) }
        #expect(throws: ValidationError.self) { try parser.parsePatch(["tags"], onto: current) }
        let patched = try parser.parsePatch(["tags": nil, "team": "north"], onto: current)
        #expect(patched.tags == [])
        #expect(patched.team == "north")
        #expect(patched.name == "A")
    }

    @Test("parsing is idempotent: a stored document parses back to itself")
    func idempotent() throws {
        let fields = try parser.parse([
            "name": "Ｂｏｂ", "phones": [["number": "13800138000"]], "emails": [["address": "B@X.CN"]],
            "consent": ["sms": false], "attributes": ["score": 1.5, "vip": true],
        ])
        #expect(try parser.parse(fields.document) == fields)
        #expect(fields.document.encodedText() == fields.documentText)
        #expect(try CustomerFields(document: fields.document) == fields)
    }
}
