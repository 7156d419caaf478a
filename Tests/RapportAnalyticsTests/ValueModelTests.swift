import Foundation
import RapportCore
import Testing

@testable import RapportAnalytics

@Suite struct ValueModelTests {
    static let parameters = BGNBDParameters(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426)

    @Test("P(alive) is 1 for a customer who never bought again", arguments: [0.0, 5, 40, 400])
    func pAliveIsOneWithoutRepeats(T: Double) {
        #expect(Self.parameters.pAlive(x: 0, tx: 0, T: T) == 1)
    }

    @Test("P(alive) falls as T grows with x and t_x fixed", arguments: 0..<30)
    func pAliveFallsWithT(seed: UInt64) {
        var random = TestRandom(seed: seed)
        let x = Double(1 + random.below(30)), tx = random.uniform() * 50
        var previous = 1.0
        for step in 0..<40 {
            let p = Self.parameters.pAlive(x: x, tx: tx, T: tx + Double(step) * 2.5 + 0.1)
            #expect(p <= previous && p >= 0)
            previous = p
        }
        #expect(previous < Self.parameters.pAlive(x: x, tx: tx, T: tx))
    }

    @Test("expected purchases grow with the horizon", arguments: 0..<30)
    func expectationsGrowWithHorizon(seed: UInt64) {
        var random = TestRandom(seed: seed)
        let x = Double(random.below(60)), T = 1 + random.uniform() * 80
        let tx = x == 0 ? 0 : random.uniform() * T
        var previous = 0.0
        for horizon in [1.0, 4, 13, 26, 52, 104, 260] {
            let expected = Self.parameters.expectedPurchases(in: horizon, x: x, tx: tx, T: T)
            #expect(expected > previous, "x \(x) t_x \(tx) T \(T) horizon \(horizon): \(expected)")
            previous = expected
        }
    }

    @Test("a fit on a simulated population recovers the parameters it was drawn from")
    func recoversSimulatedParameters() throws {
        let columns = Simulation.population(customers: 20_000)
        let histories = PurchaseHistories(columns, through: 20_730)
        let summaries = (0..<histories.customerCount).compactMap { RepeatSummary(histories, customer: $0) }
        let bgnbd = try BGNBD.fit(BGNBD.Data(summaries, timeUnitDays: 1)).parameters
        #expect(abs(bgnbd.r / 0.8 - 1) < 0.15 && abs(bgnbd.alpha / 40 - 1) < 0.2, "\(bgnbd)")
        #expect(abs(bgnbd.a / 0.8 - 1) < 0.3 && abs(bgnbd.b / 3 - 1) < 0.35, "\(bgnbd)")
        let spend = try GammaGamma.fit(GammaGamma.Data(summaries)).parameters
        // p, q and γ trade off against each other; the mean spend they imply is what must be right.
        #expect(abs(spend.populationMeanSpend / (6.0 * 1500 / 3) - 1) < 0.1, "\(spend)")
    }

    @Test("two thousand customers are enough to fit")
    func smallPopulation() throws {
        let histories = PurchaseHistories(Simulation.population(customers: 2000, seed: 11), through: 20_730)
        let model = try ValueEngine().fit(histories, asOf: Date(), fittedAt: Date())
        #expect(model.customers == 2000)
        #expect(model.gammaGamma != nil)
    }

    @Test("too few repeat customers is an error that says so")
    func tooFew() {
        var columns = PurchaseColumns(customerCount: 3)
        for customer in 0..<3 { columns.append(customer: customer, day: 100, amount: 10) }
        #expect(throws: AnalyticsError.self) {
            try ValueEngine().fit(PurchaseHistories(columns, through: 200), asOf: Date(), fittedAt: Date())
        }
    }

    @Test("Gamma-Gamma's expected spend lies between the population mean and the customer's own")
    func expectedSpendIsAWeightedMean() {
        let model = GammaGammaParameters(p: 6.25, q: 3.74, gamma: 15.44)
        let population = model.populationMeanSpend
        for (x, m) in [(1, 10.0), (5, 80.0), (30, 20.0)] {
            let spend = model.expectedSpend(x: x, meanAmount: m)
            #expect(spend > min(m, population) && spend < max(m, population))
        }
        #expect(model.expectedSpend(x: 0, meanAmount: 0) == population)
    }
}
