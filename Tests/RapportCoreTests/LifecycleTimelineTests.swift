import Foundation
import Testing
@testable import RapportCore

@Suite("Lifecycle timeline and stage changes")
struct LifecycleTimelineTests {
    let engine = LifecycleEngine()

    @Test("one purchase: new, then active after 30 days, silent after 60 idle days, churned after 180")
    func onePurchase() {
        let timeline = engine.timeline(purchaseDays: [1000], through: 1400)
        #expect(timeline.map(\.day) == [1000, 1030, 1061, 1181])
        #expect(timeline.map(\.assessment.stage) == [.new, .active, .silent, .churned])
        #expect(timeline[2].assessment.reason == "no purchase for 61 days; one purchase day; silent after 60 days")
    }

    @Test("the timeline stops at today and starts at the first purchase")
    func throughToday() {
        #expect(engine.timeline(purchaseDays: [], through: 1000).isEmpty)
        #expect(engine.timeline(purchaseDays: [1000], through: 1029).map(\.assessment.stage) == [.new])
        #expect(engine.timeline(purchaseDays: [1000, 1500], through: 1200).map(\.assessment.stage)
            == [.new, .active, .silent, .churned])
    }

    /// The timeline must agree with the rules applied day by day: it only looks at purchase days and threshold
    /// crossings, so this checks that no change happens on another day.
    @Test("on every day, the timeline's stage is the stage the rules give that day", arguments: 0..<40)
    func agreesWithDailyRules(seed: Int) {
        var state = UInt64(seed + 1) &* 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        var days: [Int] = []
        var day = 1000
        for _ in 0..<(1 + next(8)) {
            day += next(2) == 0 ? next(20) : next(400)
            days.append(day)
        }
        let end = day + 600
        let timeline = engine.timeline(purchaseDays: days, through: end)
        for today in 990...end {
            let expected = engine.assess(BuyingFacts(purchaseDays: days.filter { $0 <= today }, today: today))
            let fromTimeline = timeline.last(where: { $0.day <= today })?.assessment.stage ?? .prospect
            #expect(fromTimeline == expected.stage, "day \(today), purchases \(days)")
        }
    }

    static let created = Date(timeIntervalSince1970: 1000 * 86_400)

    func purchases(_ days: [Int]) -> PurchaseSummary {
        PurchaseSummary(
            firstPurchaseAt: days.first.map { BusinessDay.start(of: $0).addingTimeInterval(3600) },
            lastPurchaseAt: days.last.map { BusinessDay.start(of: $0).addingTimeInterval(3600) },
            ordersCount: Int64(days.count), totalSpentMinor: 100 * Int64(days.count), purchaseDays: days)
    }

    @Test("a recompute long after the last purchase records every stage passed, each on its own day")
    func changesAreBackDated() {
        let now = BusinessDay.start(of: 1300).addingTimeInterval(600)
        let changes = engine.changes(from: .initial(since: Self.created), purchases: purchases([1000]), at: now)
        #expect(changes.map(\.from) == [.prospect, .new, .active, .silent])
        #expect(changes.map(\.assessment.stage) == [.new, .active, .silent, .churned])
        // The first change happened at the purchase itself; the others at the start of their day.
        #expect(changes.map(\.at) == [BusinessDay.start(of: 1000).addingTimeInterval(3600), BusinessDay.start(of: 1030),
                                      BusinessDay.start(of: 1061), BusinessDay.start(of: 1181)])
    }

    @Test("applying the changes and recomputing again changes nothing")
    func idempotent() {
        let now = BusinessDay.start(of: 1300)
        var state = StageState.initial(since: Self.created)
        for change in engine.changes(from: state, purchases: purchases([1000, 1010]), at: now) {
            state = state.applying(change)
        }
        #expect(state.stage == .churned)
        #expect(engine.changes(from: state, purchases: purchases([1000, 1010]), at: now).isEmpty)
        #expect(engine.changes(from: state, purchases: purchases([1000, 1010]), at: now.addingTimeInterval(86_400 * 30))
            .isEmpty)
        // Asking about an earlier time does not undo the stage recorded later.
        #expect(engine.changes(from: state, purchases: purchases([1000, 1010]), at: BusinessDay.start(of: 1100)).isEmpty)
    }

    @Test("a churned customer buying again is a win-back, recorded at the purchase")
    func winBack() {
        let churned = StageState(stage: .churned, since: BusinessDay.start(of: 1181), rule: "churned_by_rhythm",
                                 reason: "…")
        let now = BusinessDay.start(of: 1400).addingTimeInterval(7200)
        let changes = engine.changes(from: churned, purchases: purchases([1000, 1400]), at: now)
        #expect(changes.count == 1)
        #expect(changes[0].from == .churned)
        #expect(changes[0].assessment.stage == .active)
        #expect(changes[0].isWinBack)
        #expect(changes[0].at == BusinessDay.start(of: 1400).addingTimeInterval(3600))
        #expect(changes[0].reason.hasPrefix("win-back: last purchase 0 days ago"))
        let event = changes[0].event(customerID: UUID(), actor: .system, source: .system)
        #expect(event.family == .status)
        #expect(event.kind == .stageChanged)
        #expect(event.oldValue == "churned")
        #expect(event.newValue?.objectValue?["win_back"] == true)
        #expect(event.newValue?.objectValue?["stage"] == "active")
    }

    @Test("a manual override holds: the rules change nothing until it is cleared")
    func overrideHolds() {
        let manual = StageOverride.state(.churned, reason: "closed the account", at: BusinessDay.start(of: 1015))
        #expect(engine.changes(from: manual, purchases: purchases([1000, 1010]), at: BusinessDay.start(of: 1020))
            .isEmpty)
        var cleared = manual
        cleared.overridden = false
        let changes = engine.changes(from: cleared, purchases: purchases([1000, 1010]),
                                     at: BusinessDay.start(of: 1020))
        #expect(changes.map(\.assessment.stage) == [.active])
        #expect(changes.map(\.at) == [BusinessDay.start(of: 1020)])
    }

    @Test("history that arrives after the stage was recorded moves the stage now, not in the past")
    func lateHistory() {
        let silent = StageState(stage: .silent, since: BusinessDay.start(of: 1061), rule: "silent_by_rhythm", reason: "…")
        let now = BusinessDay.start(of: 1070)
        // A purchase on day 1050, imported on day 1070: the customer never went silent after all.
        let changes = engine.changes(from: silent, purchases: purchases([1000, 1050]), at: now)
        #expect(changes.count == 1)
        #expect(changes[0].assessment.stage == .active)
        #expect(changes[0].at == now)
    }

    @Test("refunds reduce spending; a wholly refunded purchase is no order and no purchase day")
    func purchaseSummary() {
        let customer = UUID()
        let day = { (n: Int) in BusinessDay.start(of: n).addingTimeInterval(600) }
        func transaction(_ kind: TransactionKind, _ amount: Int64, _ day: Date, refunded: Int64 = 0,
                         refundOf: UUID? = nil, id: UUID = UUID()) -> Transaction {
            Transaction(id: id, customerID: customer, externalID: nil, kind: kind, occurredAt: day, recordedAt: day,
                        currency: "CNY", lines: [], amountMinor: amount, refundedMinor: refunded, channel: nil,
                        refundOf: refundOf)
        }
        let first = UUID()
        let second = UUID()
        let history = [
            transaction(.purchase, 10_000, day(1000), refunded: 10_000, id: first),
            transaction(.purchase, 5_000, day(1010), refunded: 1_000, id: second),
            transaction(.refund, 10_000, day(1012), refundOf: first),
            transaction(.refund, 1_000, day(1020), refundOf: second),
        ]
        let summary = PurchaseSummary(of: history)
        #expect(summary.ordersCount == 1)
        #expect(summary.totalSpentMinor == 4_000)
        #expect(summary.purchaseDays == [1010])
        #expect(summary.firstPurchaseAt == day(1010))
        #expect(summary.avgOrderMinor == 4_000)
        let before = PurchaseSummary(of: history, asOf: day(1011))
        #expect(before.ordersCount == 2)
        #expect(before.totalSpentMinor == 15_000)
        #expect(before.purchaseDays == [1000, 1010])
        #expect(PurchaseSummary(of: []).avgOrderMinor == nil)
    }

    @Test("stored forms of purchase days and interaction counts read back, and reject anything else")
    func storedForms() {
        let summary = PurchaseSummary(purchaseDays: [1000, 1010, 1200])
        #expect(PurchaseSummary.purchaseDays(fromText: summary.purchaseDaysText) == [1000, 1010, 1200])
        #expect(PurchaseSummary.purchaseDays(fromText: "") == [])
        #expect(PurchaseSummary.purchaseDays(fromText: "12 x") == nil)
        let interactions = InteractionSummary(recentByChannel: [.phone: 2, .inPerson: 1, .email: 0])
        #expect(interactions.recentText == "phone:2 in_person:1")
        #expect(InteractionSummary.recentByChannel(fromText: interactions.recentText) == [.phone: 2, .inPerson: 1])
        #expect(InteractionSummary.recentByChannel(fromText: "fax:1") == nil)
        #expect(interactions.recentJSON.objectValue?["sms"] == 0)
    }
}

@Suite("Customer stats as JSON")
struct CustomerStatsJSONTests {
    @Test("the hand-written JSON text is the JSON value, for awkward reasons too")
    func handWrittenMatches() throws {
        let instant = Date(timeIntervalSince1970: 1_790_000_000.123)
        for reason in ["no purchase yet", "quote \" backslash \\ newline \n tab \t bell \u{07} 中文 😀"] {
            let stats = CustomerStats(
                purchases: PurchaseSummary(firstPurchaseAt: instant, lastPurchaseAt: instant, ordersCount: 3,
                                           totalSpentMinor: 1_000, purchaseDays: [20_000]),
                interactions: InteractionSummary(lastInteractionAt: nil, recentByChannel: [.wechat: 2]),
                stage: StageOverride.state(.silent, reason: reason, at: instant))
            let parsed = try JSONValue.parse(Data(("{" + stats.jsonMembersText + "}").utf8))
            #expect(parsed == .object(stats.json))
        }
        let initial = CustomerStats.initial(createdAt: instant)
        #expect(try JSONValue.parse(Data(("{" + initial.jsonMembersText + "}").utf8)) == .object(initial.json))
    }
}
