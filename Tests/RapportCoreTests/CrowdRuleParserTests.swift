import Foundation
import Testing
@testable import RapportCore

@Suite("Crowd rules: the parser")
struct CrowdRuleParserTests {
    let parser = CrowdRuleParser()

    func field(_ name: String, _ key: String? = nil) -> CrowdFieldReference {
        CrowdFieldReference(field: CrowdFields.named(name)!, key: key)
    }

    @Test("the issue's example parses into the tree it says")
    func example() throws {
        let rule = try parser.parse(
            #"stage in [active, silent] and rfm_group = "At Risk" and last_purchase_at < -90d and tag = "vip" and not city = "上海""#)
        #expect(rule == .and([
            .oneOf(field("stage"), [.string("active"), .string("silent")], negated: false),
            .compare(field("rfm_group"), .equal, .string("At Risk")),
            .compare(field("last_purchase_at"), .less, .relative(amount: 90, unit: .day)),
            .compare(field("tag"), .equal, .string("vip")),
            .not(.compare(field("city"), .equal, .string("上海"))),
        ]))
        #expect(rule.predicates == 5)
    }

    @Test("and binds tighter than or; parentheses and not nest")
    func precedence() throws {
        let rule = try parser.parse("orders_count > 3 or tier = high and not (abc = A or abc = B)")
        #expect(rule == .or([
            .compare(field("orders_count"), .greater, .number(3)),
            .and([
                .compare(field("tier"), .equal, .string("high")),
                .not(.or([.compare(field("abc"), .equal, .string("A")), .compare(field("abc"), .equal, .string("B"))])),
            ]),
        ]))
        #expect(rule.depth == 5)
    }

    @Test("every operator and literal kind")
    func operators() throws {
        #expect(try parser.parse("total_spent between 1000 and 5000.5")
            == .between(field("total_spent"), .number(1000), .number(5000.5)))
        #expect(try parser.parse("created_at >= 2026-01-31")
            == .compare(field("created_at"), .greaterOrEqual, .date(day: TransactionDay.of("2026-01-31"))))
        #expect(try parser.parse("name contains \"张\"") == .contains(field("name"), .string("张")))
        #expect(try parser.parse("attribute.会员等级 exists") == .exists(field("attribute", "会员等级")))
        #expect(try parser.parse("consent.sms = true") == .compare(field("consent", "sms"), .equal, .boolean(true)))
        #expect(try parser.parse("city not in [\"上海\", \"北京\"]")
            == .oneOf(field("city"), [.string("上海"), .string("北京")], negated: true))
        #expect(try parser.parse("p_alive <= 0.2 and churn_risk != 1 and rfm_r >= -1")
            == .and([.compare(field("p_alive"), .lessOrEqual, .number(0.2)),
                     .compare(field("churn_risk"), .notEqual, .number(1)),
                     .compare(field("rfm_r"), .greaterOrEqual, .number(-1))]))
    }

    @Test("a string full of SQL is just a string, escapes included")
    func sqlInAString() throws {
        #expect(try parser.parse(#"name = "x' OR 1=1 --""#) == .compare(field("name"), .equal, .string("x' OR 1=1 --")))
        #expect(try parser.parse(#"name = "say \"hi\" \\ ok""#)
            == .compare(field("name"), .equal, .string(#"say "hi" \ ok"#)))
    }

    @Test("relative dates count back from today, months and years in the calendar")
    func relativeDates() {
        let today = TransactionDay.of("2026-03-31")
        #expect(CrowdValue.relative(amount: 90, unit: .day).day(today: today) == today - 90)
        #expect(CrowdValue.relative(amount: 1, unit: .month).day(today: today) == TransactionDay.of("2026-02-28"))
        #expect(CrowdValue.relative(amount: 6, unit: .month).day(today: today) == TransactionDay.of("2025-09-30"))
        #expect(CrowdValue.relative(amount: 1, unit: .year).day(today: TransactionDay.of("2024-02-29"))
            == TransactionDay.of("2023-02-28"))
        #expect(CrowdValue.relative(amount: 14, unit: .month).day(today: today) == TransactionDay.of("2025-01-31"))
    }

    @Test("errors name the column and what was expected", arguments: [
        ("orders_count >= ", "column 17: expected a value after '>='"),
        ("foo = 1", "column 1: unknown field 'foo'; the fields are kind, name"),
        ("stage = vip", "column 9: stage is one of prospect, new, active, silent, churned; found 'vip'"),
        ("total_spent > \"lots\"", "column 15: total_spent takes a number, found \"lots\""),
        ("last_purchase_at < 90", "column 20: last_purchase_at takes a date (2026-01-31) or a relative date"),
        ("name < \"a\"", "column 6: '<' does not apply to name (text)"),
        ("(tier = high", "expected ')' to close the '(' at column 1"),
        ("tier = high tier = low", "column 13: expected 'and', 'or' or the end, found 'tier'"),
        ("name = \"open", "column 8: this string has no closing quote"),
        ("created_at > 2026-02-30", "column 14: '2026-02-30' is not a number, a date"),
        ("city in [\"a\" \"b\"]", "expected ',' or ']' in the list opened at column 9"),
        ("attribute = 1", "column 1: 'attribute' needs a key: attribute.<key>"),
        ("name = \"a\u{0}b\"", "column 8: a string cannot hold control characters"),
        ("consent.fax = true", "column 1: unknown key 'fax' of 'consent'; the keys are email, sms, phone, wechat"),
        ("attribute.level > 2026-01-31", "column 19: attribute.level takes a quoted string, a number, true or false"),
        ("consent.sms contains \"x\"", "column 13: 'contains' does not apply to consent.sms (boolean)"),
        ("", "column 1: the rule is empty"),
        ("tier = high and", "column 16: expected a field, 'not' or '(' at the end of the rule"),
        ("name ~ 1", "column 6: unexpected '~'"),
    ])
    func errors(text: String, expected: String) {
        #expect {
            try parser.parse(text)
        } throws: { error in
            (error as? CrowdRuleError)?.description.hasPrefix(expected) == true
                || (error as? CrowdRuleError)?.description.contains(expected) == true
        }
    }

    @Test("rules deeper than 32 or with more than 100 predicates are refused")
    func limits() throws {
        let deep = String(repeating: "(", count: 33) + "tier = high" + String(repeating: ")", count: 33)
        #expect(throws: CrowdRuleError.self) { try parser.parse(deep) }
        let fine = String(repeating: "(", count: 30) + "tier = high" + String(repeating: ")", count: 30)
        #expect(try parser.parse(fine) == .compare(field("tier"), .equal, .string("high")))
        let many = Array(repeating: "orders_count > 1", count: 101).joined(separator: " and ")
        #expect {
            try parser.parse(many)
        } throws: { error in
            (error as? CrowdRuleError)?.message == "the rule has 101 predicates; at most 100"
        }
        #expect(try parser.parse(Array(repeating: "orders_count > 1", count: 100).joined(separator: " or ")).predicates
            == 100)
    }
}

/// Day numbers of dates, for the tests.
enum TransactionDay {
    static func of(_ text: String) -> Int {
        CalendarDate(parsing: text)!.dayNumber
    }
}

@Suite("Crowd rules: the JSON form")
struct CrowdRuleJSONTests {
    @Test("text and JSON are two spellings of one tree", arguments: [
        #"stage in [active, silent] and rfm_group = "At Risk" and last_purchase_at < -90d and not city = "上海""#,
        "total_spent between 1000 and 5000 or (created_at >= 2026-01-31 and attribute.会员 exists)",
        #"consent.sms = true and city not in ["北京", "上海"] and name contains "x' OR 1=1 --""#,
        "last_interaction_at > -6m or first_purchase_at <= -1y",
    ])
    func roundTrip(text: String) throws {
        let rule = try CrowdRuleParser().parse(text)
        #expect(try CrowdRule(json: rule.json) == rule)
        #expect(try CrowdRule(json: JSONValue.parse(Data(rule.json.encodedText().utf8))) == rule)
    }

    @Test("the JSON form names the path of what is wrong", arguments: [
        (#"{"and": [{"field": "stage", "op": "=", "value": "vip"}]}"#, "rule.and[0].value"),
        (#"{"field": "foo", "op": "=", "value": 1}"#, "rule.field"),
        (#"{"field": "", "op": "=", "value": 1}"#, "rule.field"),
        (#"{"field": ".", "op": "exists"}"#, "rule.field"),
        (#"{"field": "attribute.", "op": "exists"}"#, "rule.field"),
        (#"{"field": "total_spent", "op": "between", "value": [1]}"#, "rule.value"),
        (#"{"field": "last_purchase_at", "op": "<", "value": "yesterday"}"#, "rule.value"),
        (#"{"or": []}"#, "rule.or"),
        (#"{"not": {"field": "name", "op": "<", "value": "a"}}"#, "rule.not.op"),
        (#"{"field": "name", "op": "=", "value": "a", "extra": 1}"#, "rule.extra"),
        (#"[1]"#, "rule"),
    ])
    func errors(json: String, path: String) throws {
        let value = try JSONValue.parse(Data(json.utf8))
        #expect {
            try CrowdRule(json: value)
        } throws: { error in
            (error as? ValidationError)?.errors.first?.field == path
        }
    }
}
