import Foundation
import RapportCore
import Testing

@testable import RapportAnalytics

@Suite struct ValueClassesTests {
    @Test("quintiles split distinct values into fifths, best fifth 5")
    func quintiles() {
        let values = (1...10).map(Double.init)
        #expect(ValueClasses.quintiles(values, higherIsBetter: true) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
        #expect(ValueClasses.quintiles(values, higherIsBetter: false) == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1])
    }

    @Test("equal values get equal scores, whatever their number", arguments: 0..<25)
    func tiesShareAScore(seed: UInt64) {
        var random = TestRandom(seed: seed)
        let values = (0..<(1 + random.below(300))).map { _ in Double(random.below(8)) }
        let scores = ValueClasses.quintiles(values, higherIsBetter: true)
        for (i, j) in zip(values.indices, values.indices.shuffled()) {
            if values[i] == values[j] { #expect(scores[i] == scores[j]) }
            if values[i] < values[j] { #expect(scores[i] <= scores[j]) }
        }
        #expect(scores.allSatisfy { (1...5).contains($0) })
    }

    @Test("every cell of the R × FM grid has a group, and all eleven groups are used")
    func rfmGroups() {
        var seen = Set<RFMGroup>()
        for r in 1...5 { for fm in 1...5 { seen.insert(RFMGroup.of(recency: r, frequencyMoney: fm)) } }
        #expect(seen == Set(RFMGroup.allCases))
        #expect(RFMScore(r: 5, f: 5, m: 4).group == .champions)
        #expect(RFMScore(r: 1, f: 1, m: 1).group == .lost)
        #expect(RFMScore(r: 1, f: 5, m: 5).group == .cannotLoseThem)
        #expect(RFMScore(r: 5, f: 1, m: 1).group == .newCustomers)
        #expect(RFMGroup.atRisk.chineseName == "流失风险客户")
        #expect(RFMScore(r: 3, f: 4, m: 5).code == "345")
    }

    @Test("ABC: the biggest customers up to 80% of revenue are A, up to 95% B, the rest C")
    func abc() {
        // Revenue 50, 30, 10, 5, 3, 2, 0: before each 0, 50, 80, 90, 95, 98.
        let classes = ValueClasses.abc(revenue: [5, 50, 0, 30, 2, 10, 3], aShare: 0.8, bShare: 0.95)
        #expect(classes == [.b, .a, .c, .a, .c, .b, .c])
    }

    @Test("ABC: equal revenue is one class")
    func abcTies() {
        let classes = ValueClasses.abc(revenue: [40, 40, 10, 10], aShare: 0.8, bShare: 0.95)
        #expect(classes == [.a, .a, .b, .b])
    }

    @Test("tiers: top 20% high, next 30% mid, rest low")
    func tiers() {
        let tiers = ValueClasses.tiers(clv: (1...10).map(Double.init))
        #expect(tiers == [.low, .low, .low, .low, .low, .mid, .mid, .mid, .high, .high])
    }
}

@Suite struct BehaviourShiftTests {
    let test = BehaviourShiftTest(minPurchases: 8, minBaskets: 3)

    func run(days: [Int], amounts: [Double]? = nil, end: Int) -> (ShiftFinding?, ShiftFinding?) {
        let result = test.findings(days: days.map(Int32.init)[...],
                                   amounts: (amounts ?? days.map { _ in 100 })[...], endDay: end)
        return (result.frequency, result.basket)
    }

    @Test("a weekly buyer who stopped 90 days ago has dropped in frequency")
    func frequencyDropped() throws {
        let days = Array(stride(from: 1000, through: 1365, by: 7))
        let (frequency, _) = run(days: days, end: 1455)
        let finding = try #require(frequency)
        #expect(finding.shift == .frequencyDropped)
        #expect(finding.detail["recent_purchase_days"] == .number(0))
        #expect((finding.detail["p_value"]?.numberValue ?? 1) < 0.01)
    }

    @Test("a monthly buyer now buying every other day has risen in frequency")
    func frequencyRose() throws {
        let days = Array(stride(from: 1000, through: 1365, by: 30)) + Array(stride(from: 1366, through: 1455, by: 2))
        #expect(run(days: days, end: 1455).0?.shift == .frequencyRose)
    }

    @Test("steady buying is no shift, and too few purchases are not tested")
    func steady() {
        let days = Array(stride(from: 1000, through: 1455, by: 5))
        #expect(run(days: days, end: 1455).0 == nil)
        #expect(run(days: [1300, 1400], end: 1455).0 == nil)
    }

    @Test("baskets that shrank to a tenth are a basket drop; same-size baskets are none")
    func basket() {
        let days = Array(stride(from: 1000, through: 1455, by: 10))
        let amounts = days.enumerated().map { index, day in (day > 1365 ? 1000.0 : 10_000) * (1 + Double(index % 3) / 10) }
        #expect(run(days: days, amounts: amounts, end: 1455).1?.shift == .basketDropped)
        let steady = days.enumerated().map { index, _ in 5000 * (1 + Double(index % 3) / 10) }
        #expect(run(days: days, amounts: steady, end: 1455).1 == nil)
    }
}

@Suite struct ProductAffinityTests {
    @Test("tea buyers also buy cups with it: recommended to a tea buyer with its reason")
    func recommendation() {
        var baskets = ProductAffinities.Baskets()
        // Products: 0 tea, 1 cups, 2 rice. 10 customers buy tea with cups, 10 buy tea alone, 20 buy rice alone.
        for customer in 0..<10 { baskets.append(customer: customer, products: [0, 1]) }
        for customer in 10..<20 { baskets.append(customer: customer, products: [0]) }
        for customer in 20..<40 { baskets.append(customer: customer, products: [2]) }
        let affinities = ProductAffinities.compute(baskets, skus: ["TEA", "CUP", "RICE"])
        let teaToCup = affinities.first { $0.sku == "TEA" && $0.otherSKU == "CUP" }
        #expect(teaToCup?.buyersBoth == 10)
        #expect(teaToCup?.confidence == 0.5)
        #expect(teaToCup?.lift == 0.5 / (10.0 / 40))
        #expect(!affinities.contains { $0.sku == "RICE" || $0.otherSKU == "RICE" })
        let names = ["TEA": "绿茶礼盒", "CUP": "茶杯", "RICE": "大米"]
        let recommended = ProductAffinities.recommend(bought: ["TEA"], affinities: affinities, names: names)
        #expect(recommended.map(\.sku) == ["CUP"])
        #expect(recommended.first?.reason == "bought together with 绿茶礼盒 by 50% of its buyers")
        #expect(ProductAffinities.recommend(bought: ["TEA", "CUP"], affinities: affinities, names: names).isEmpty)
    }

    @Test("a customer counts once per pair however often it bought the two together")
    func customerCountsOnce() {
        var baskets = ProductAffinities.Baskets()
        for _ in 0..<5 { baskets.append(customer: 0, products: [0, 1]) }
        for customer in 1..<4 { baskets.append(customer: customer, products: [0, 1]) }
        for customer in 4..<10 { baskets.append(customer: customer, products: [2]) }
        let pair = ProductAffinities.compute(baskets, skus: ["A", "B", "C"]).first { $0.sku == "A" && $0.otherSKU == "B" }
        #expect(pair?.buyersBoth == 4)
    }
}

@Suite struct ScoresCSVTests {
    @Test("numbers are written with up to nine decimals, trailing zeros dropped, extremes in full", arguments: [
        (395.0, "395"), (0.0174007335305941, "0.017400734"), (-2.5, "-2.5"), (0, "0"), (1e-12, "1e-12"),
        (123_456_789_012.5, "123456789012.5"), (0.1, "0.1"), (30.202127248355378, "30.202127248"),
    ])
    func numbers(value: Double, text: String) {
        var bytes: [UInt8] = []
        ScoresCSV.append(value, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == text)
    }

    @Test("IDs with commas or quotes are quoted")
    func quoting() {
        #expect(ScoresCSV.field("a,b") == "\"a,b\"")
        #expect(ScoresCSV.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(ScoresCSV.field("42") == "42")
    }
}
