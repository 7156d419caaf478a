import Foundation
import Testing
@testable import RapportCore

@Suite("Engine phrases")
struct EnginePhraseTests {
    static func value(for slot: EnginePhrase.Slot) -> EnginePhrase.Value {
        switch slot {
        case .days: .days(12.5)
        case .decimal: .decimal(0.4837)
        case .percent: .percent(92)
        case .text: .text("杭州市 +86 138")
        }
    }

    @Test("every phrase reads back as itself with the values it was written with", arguments: EnginePhrase.allCases)
    func readsBack(_ phrase: EnginePhrase) throws {
        let values = phrase.slots.map(Self.value(for:))
        let text = phrase.text(values)
        let read = try #require(EngineExplanation(parsing: text), "\(text)")
        #expect(read.parts == [EngineExplanation.Part(phrase: phrase, values: values.map(\.written))])
        #expect(read.english == text)
        #expect(!read.winBack)
    }

    @Test("values are written with their units: 1 day, 12.5 days, 0.48, 92%")
    func units() {
        #expect(EnginePhrase.noPurchaseFor.text(.days(1)) == "no purchase for 1 day")
        #expect(EnginePhrase.usualGap.text(.days(12.5)) == "usual gap 12.5 days")
        #expect(EnginePhrase.pAliveBelow.text(.decimal(0.4837), .decimal(0.3)) == "P(alive) 0.48 below 0.30")
        #expect(EnginePhrase.namesAlike.text(.percent(92)) == "names 92% alike")
    }

    @Test("every reason the lifecycle rules give, win-backs too, is made of phrases")
    func lifecycleReasons() throws {
        let engine = LifecycleEngine()
        var random = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let today = 2000
            let days = (0..<Int.random(in: 0...6, using: &random))
                .map { _ in Int.random(in: 1000...today, using: &random) }
            let assessment = engine.assess(BuyingFacts(purchaseDays: days.sorted(), today: today))
            for from in [LifecycleStage.churned, .active] {
                let change = StageChange(from: from, assessment: assessment, at: Date())
                let read = try #require(EngineExplanation(parsing: change.reason), "\(change.reason)")
                #expect(read.english == change.reason)
                #expect(read.winBack == change.isWinBack)
            }
        }
    }

    @Test("every piece of duplicate evidence is a phrase")
    func duplicateReasons() throws {
        let evidence: [DuplicateEvidence] = [
            .samePhone("+8613800138000"), .sameLandline("+862188886666", household: true), .differentPhones,
            .differentMobiles, .sameEmail("li@example.com"), .sameRoleMailbox("info@example.com"), .differentEmails,
            .sameSocial("wechat:li_lei"), .name(similarity: 1, swapped: false, length: 2),
            .name(similarity: 1, swapped: true, length: 2), .name(similarity: 0.93, swapped: false, length: 6),
            .name(similarity: 0.5, swapped: false, length: 6),
            .sameBirthday(CalendarDate(year: 1990, month: 5, day: 1)!),
            .birthdayYearsDiffer, .differentBirthdays, .sameCity("上海市"), .differentCities, .sameStreet,
            .similarStreet(0.951), .differentStreets, .kindsDiffer,
        ]
        for item in evidence {
            let read = try #require(EngineExplanation(parsing: item.reason), "\(item.reason)")
            #expect(read.english == item.reason)
        }
        #expect(EngineExplanation(parsing: DuplicateEvidence.sameSocial("wechat:li_lei").reason)?.parts.first?.values
            == ["wechat", "li_lei"])
    }

    @Test("a person's own words are not read as phrases")
    func ownWords() {
        #expect(EngineExplanation(parsing: "客户要求暂停合作") == nil)
        #expect(EngineExplanation(parsing: "no purchase yet; asked us to call back in May") == nil)
        #expect(EngineExplanation(parsing: "") == nil)
        #expect(EngineExplanation(parsing: "no purchase for many days") == nil)
    }
}
