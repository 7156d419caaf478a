import Foundation
import Testing
@testable import RapportCore

@Suite("Crowd rules: evaluation in memory")
struct CrowdEvaluationTests {
    let parser = CrowdRuleParser()
    let today = CalendarDate(parsing: "2026-11-23")!.dayNumber

    var subject: CrowdSubject {
        var subject = CrowdSubject()
        subject.name = "王小明"
        subject.stage = "silent"
        subject.tier = "high"
        subject.totalSpentMinor = 500_000
        subject.ordersCount = 4
        subject.lastPurchaseAt = BusinessDay.start(of: today - 120)
        subject.tags = ["vip", "茶友"]
        subject.cities = ["上海"]
        subject.consent = ["sms": true]
        subject.attributes = ["会员等级": .string("金卡")]
        return subject
    }

    func matches(_ rule: String, _ subject: CrowdSubject? = nil) throws -> Bool {
        try parser.parse(rule).matches(subject ?? self.subject, today: today)
    }

    @Test("the issue's example selects a silent VIP outside 上海 who last bought over 90 days ago")
    func example() throws {
        let rule = #"stage in [active, silent] and tier = high and last_purchase_at < -90d and tag = "vip" and not city = "北京""#
        #expect(try matches(rule))
        var moved = subject
        moved.cities = ["北京"]
        #expect(try !matches(rule, moved))
    }

    @Test("money is in major units; dates compare by day, relative to today")
    func moneyAndDates() throws {
        #expect(try matches("total_spent >= 5000"))
        #expect(try !matches("total_spent > 5000"))
        #expect(try matches("last_purchase_at between -6m and -90d"))
        #expect(try !matches("last_purchase_at > -120d"))
        #expect(try matches("last_purchase_at >= -120d"))
    }

    @Test("tags and addresses: any value decides; != and not in mean none")
    func multiValued() throws {
        #expect(try matches(#"tag = "茶友""#))
        #expect(try matches(#"tag != "新客""#))
        #expect(try !matches(#"tag != "vip""#))
        #expect(try matches(#"tag not in ["a", "b"]"#))
        #expect(try matches(#"tag contains "茶""#))
        #expect(try matches("tag exists"))
        #expect(try matches(#"attribute.会员等级 = "金卡" and consent.sms = true"#))
    }

    @Test("a predicate on a missing value is false, and not flips it: no tags means not tagged vip")
    func missingValues() throws {
        #expect(try !matches("clv > 1000"))
        #expect(try matches("not clv > 1000"))
        #expect(try matches("not clv exists"))
        #expect(try !matches(#"province = "上海""#))
        #expect(try matches(#"not province = "上海""#))
        #expect(try matches(#"province != "上海""#))
        #expect(try matches(#"province not in ["上海"]"#))
        #expect(try matches(#"province = "上海" or tier = high"#))
        #expect(try !matches(#"province = "上海" and tier = high"#))
        #expect(try !matches("consent.email = true or consent.email = false"))
        #expect(try matches("consent.email != true"))
    }

    @Test("money compares in minor units without floating-point surprises")
    func money() throws {
        var subject = self.subject
        subject.totalSpentMinor = 1234
        #expect(try matches("total_spent = 12.34", subject))
        #expect(try matches("total_spent between 12.34 and 12.34", subject))
        #expect(try matches("total_spent in [1, 12.34]", subject))
        #expect(try !matches("total_spent > 12.34", subject))
        #expect(CrowdRule.minorUnits(0.1 + 0.2) == 30)
        #expect(CrowdRule.minorUnits(12.345) == 1234.5)
    }

    @Test("attributes match values of the rule's type; text compares by code point")
    func attributesAndText() throws {
        var subject = self.subject
        subject.attributes = ["level": .number(3), "code": .string("3"), "member": .bool(true)]
        #expect(try matches("attribute.level > 2", subject))
        #expect(try !matches(#"attribute.level = "3""#, subject))
        #expect(try matches(#"attribute.code = "3""#, subject))
        #expect(try !matches("attribute.code = 3", subject))
        #expect(try matches("attribute.member = true", subject))
        #expect(try matches(#"attribute.code contains "3""#, subject))
        subject.attributes["nick"] = .string("Zoë")
        subject.name = "Zoë"
        #expect(try matches(#"attribute.nick > "Zo""#, subject))
        #expect(try matches(#"attribute.nick < "zo""#, subject))
        #expect(try !matches("name = \"Zoe\u{0308}\"", subject))
        #expect(try matches(#"name contains "oë""#, subject))
    }
}
