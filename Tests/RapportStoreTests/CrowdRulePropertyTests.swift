import FluentKit
import Foundation
import RapportCore
@testable import RapportStore
import RapportTestSupport
import SQLKit
import Testing

/// The crowd rule language has three evaluators — SQL on SQLite, SQL on PostgreSQL (CI runs this suite on both) and
/// `CrowdRule.matches` in memory — and one meaning. Random rules over random customers must select the same ones.
@Suite("Crowd rules: SQL and memory agree")
struct CrowdRulePropertyTests {
    @Test("random rules select the same customers in SQL as in memory, and survive text and JSON round trips")
    func evaluatorsAgree() async throws {
        try await StoreHarness.run { store, _ in
            let today = BusinessDay.number(of: store.clock.now())
            var samples = CrowdSamples(seed: 20261123, today: today)
            let numbers = try await Self.population(of: 120, in: store, samples: &samples)
            let subjects = try await CrowdSubjects.load(where: "TRUE", on: store.database as! any SQLDatabase)
            #expect(subjects.count == numbers.count)
            let customers = CustomerRepository(store)
            var selectedSomething = 0
            for _ in 0..<400 {
                let rule = samples.rule(depth: 4)
                #expect(try CrowdRuleParser().parse(rule.text) == rule, "\(rule.text)")
                #expect(try CrowdRule(json: rule.json) == rule, "\(rule.text)")
                let inMemory = subjects.filter { rule.matches($0.subject, today: today) }.map(\.number).sorted()
                let inSQL = try await customers.list(visibleTo: .all, search: nil, filter: rule, archived: false,
                                                     before: nil, limit: 1000).map(\.number.value).sorted()
                #expect(inSQL == inMemory, "\(rule.text)")
                if !inMemory.isEmpty && inMemory.count < numbers.count { selectedSomething += 1 }
            }
            // The pools are small so that rules split the population, not select all or nothing.
            #expect(selectedSomething > 150)
        }
    }

    @Test("a full refresh materialises what the in-memory evaluator decides for every crowd")
    func refreshAgrees() async throws {
        try await StoreHarness.run { store, _ in
            let today = BusinessDay.number(of: store.clock.now())
            var samples = CrowdSamples(seed: 7, today: today)
            _ = try await Self.population(of: 60, in: store, samples: &samples)
            let crowds = CrowdRepository(store)
            var made: [Crowd] = []
            for index in 0..<12 {
                made.append(try await crowds.create(name: "random \(index)", description: "", rule: samples.rule()))
            }
            let sql = store.database as! any SQLDatabase
            let subjects = try await CrowdSubjects.load(where: "TRUE", on: sql)
            for crowd in made {
                let expected = subjects.filter { crowd.rule.matches($0.subject, today: today) }.map(\.number).sorted()
                let members = try await sql.raw("""
                    SELECT number FROM crowd_members WHERE crowd_id = \(bind: crowd.id) ORDER BY number
                    """).all().map { try $0.decode(column: "number", as: Int64.self) }
                #expect(members == expected, "\(crowd.rule.text)")
                #expect(try await crowds.count(of: crowd, visibleTo: .all) == expected.count)
            }
        }
    }

    /// Customers with random fields, stats and values, owned by two users; returns their numbers.
    static func population(of size: Int, in store: RapportDatabase, samples: inout CrowdSamples) async throws
        -> [Int64]
    {
        let users = UserRepository(store)
        var owners: [UUID] = []
        for index in 0..<2 {
            owners.append(try await users.create(email: "owner\(index)@rapport.test", displayName: "Owner \(index)",
                                                 passwordHash: "x", role: .agent, team: nil).id)
        }
        let repository = CustomerRepository(store)
        let sql = store.database as! any SQLDatabase
        var numbers: [Int64] = []
        for _ in 0..<size {
            let customer = try await repository.create(samples.fields(owners: owners), actor: .system, source: .system)
            numbers.append(customer.number.value)
            let bought = samples.chance(0.75)
            let first = samples.instant(), last = samples.instant()
            let stats = CustomerStats(
                purchases: PurchaseSummary(
                    firstPurchaseAt: bought ? min(first, last) : nil, lastPurchaseAt: bought ? max(first, last) : nil,
                    ordersCount: bought ? Int64.random(in: 1...5, using: &samples.random) : 0,
                    totalSpentMinor: bought ? samples.pick(CrowdSamples.moneyMinor) : 0),
                interactions: InteractionSummary(lastInteractionAt: samples.chance(0.5) ? samples.instant() : nil),
                stage: StageState(stage: samples.pick(LifecycleStage.allCases), since: samples.instant(), rule: "test",
                                  reason: "test"))
            try await CustomerStatsTable.update(stats, of: customer.id, on: sql)
            guard bought, samples.chance(0.8) else { continue }
            let clv = samples.pick(CrowdSamples.moneyMinor)
            let values: [any Encodable & Sendable] = [
                customer.number.value, customer.id, Int64(0), Int64(1), Int64(1), Int64(1),
                Int64.random(in: 1...5, using: &samples.random), Int64.random(in: 1...5, using: &samples.random),
                Int64.random(in: 1...5, using: &samples.random), samples.pick(RFMGroup.allCases).rawValue,
                samples.pick(ABCClass.allCases).rawValue, samples.pick(ValueTier.allCases).rawValue,
                samples.pick([0.0, 0.5, 0.7, 1.0]), 0.0, 0.0, 0.0, Int64(0), clv, samples.pick([0.0, 0.5, 0.7, 0.71]),
                Int64(0), "", String?.none, String?.none,
            ]
            try await sql.insert(into: "customer_values").columns(CustomerValueRow.columns)
                .values(values.map { SQLBind($0) }).run()
        }
        return numbers
    }
}
