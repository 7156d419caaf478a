import Foundation
@testable import RapportAnalytics

/// A seeded generator for the tests: a permuted congruential step, reproducible everywhere.
struct TestRandom {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1
    }

    /// Uniform in (0, 1).
    mutating func uniform() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return (Double(state >> 11) + 0.5) / Double(1 << 53)
    }

    mutating func below(_ bound: Int) -> Int { Int(uniform() * Double(bound)) }

    /// Gamma(shape, 1) by Marsaglia and Tsang, boosted for shapes below 1.
    mutating func gamma(shape: Double) -> Double {
        if shape < 1 { return gamma(shape: shape + 1) * pow(uniform(), 1 / shape) }
        let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            var x = 0.0, v = 0.0
            repeat {
                // Box–Muller normal.
                x = (-2 * log(uniform())).squareRoot() * cos(2 * .pi * uniform())
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            if log(uniform()) < 0.5 * x * x + d - d * v + d * log(v) { return d * v }
        }
    }

    mutating func beta(_ a: Double, _ b: Double) -> Double {
        let x = gamma(shape: a)
        return x / (x + gamma(shape: b))
    }
}

/// Customers who follow the BG/NBD and Gamma-Gamma stories exactly, in days: the truth a fit must recover.
enum Simulation {
    static func population(
        customers: Int, r: Double = 0.8, alpha: Double = 40, a: Double = 0.8, b: Double = 3, p: Double = 6,
        q: Double = 4, gamma: Double = 1500, startDay: Int = 20_000, spreadDays: Int = 365, endDay: Int = 20_730,
        seed: UInt64 = 7
    ) -> PurchaseColumns {
        var random = TestRandom(seed: seed)
        var columns = PurchaseColumns(customerCount: customers)
        for customer in 0..<customers {
            let rate = random.gamma(shape: r) / alpha
            let dropout = random.beta(a, b)
            let scale = random.gamma(shape: q) / gamma
            var day = Double(startDay + random.below(spreadDays))
            func spend() -> Double { (random.gamma(shape: p) / scale).rounded() + 1 }
            columns.append(customer: customer, day: Int(day), amount: spend())
            // BG/NBD's dropout chances come after each repeat purchase, none after the first.
            repeat {
                day += -log(random.uniform()) / rate
                guard day <= Double(endDay) else { break }
                columns.append(customer: customer, day: Int(day), amount: spend())
            } while random.uniform() > dropout
        }
        return columns
    }
}
