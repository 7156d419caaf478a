import Foundation
import RapportCore
import RapportDemo
import Testing

@Suite("Demo business: the lifecycle rules find every stage")
struct DemoLifecycleTests {
    let engine = LifecycleEngine()

    /// Distinct purchase days of a customer, sorted.
    func purchaseDays(_ customer: DemoCustomer) -> [Int] {
        Set(customer.transactions.filter { $0.input.kind == .purchase }.map { DemoSample.day($0.input.occurredAt) })
            .sorted()
    }

    @Test("every stage holds at least 3 % of customers, prospects at least 15 %")
    func stages() {
        let today = DemoSample.day(DemoSample.end)
        var counts: [LifecycleStage: Int] = [:]
        for customer in DemoSample.customers {
            let facts = BuyingFacts(purchaseDays: purchaseDays(customer), today: today)
            counts[engine.assess(facts).stage, default: 0] += 1
        }
        let total = Double(DemoSample.customers.count)
        let shares = counts.mapValues { Double($0) / total }
        for stage in LifecycleStage.allCases {
            #expect(shares[stage, default: 0] >= (stage == .prospect ? 0.15 : 0.03), "stage shares: \(shares)")
        }
    }

    @Test("some customers come back after going silent or churning (win-back)")
    func winBack() {
        let wonBack = DemoSample.customers.filter { customer in
            let days = purchaseDays(customer)
            return days.indices.dropFirst().contains { index in
                let before = engine.assess(BuyingFacts(purchaseDays: Array(days[..<index]), today: days[index]))
                let after = engine.assess(BuyingFacts(purchaseDays: Array(days[...index]), today: days[index]))
                return LifecycleEngine.isWinBack(from: before.stage, to: after.stage)
            }
        }
        #expect(!wonBack.isEmpty)
    }
}
