import Foundation
import Testing
@testable import RapportAnalytics

/// Reference values come from mpmath at 40 digits (and scipy.stats for the tests), evaluated at the same
/// `Double` inputs the code sees.
@Suite("Special functions")
struct SpecialFunctionsTests {
    func relativeError(_ actual: Double, _ expected: Double) -> Double {
        abs(actual - expected) / abs(expected)
    }

    // MARK: - Gamma family

    @Test("log-gamma matches known values, with the sign dropped for negative arguments")
    func logGamma() {
        #expect(relativeError(SpecialFunctions.logGamma(0.5), 0.572364942924700087) < 1e-14)
        #expect(relativeError(SpecialFunctions.logGamma(-0.5), 1.2655121234846454) < 1e-14)
        #expect(relativeError(SpecialFunctions.logGamma(123.4), 469.336097442190586) < 1e-14)
    }

    @Test("digamma matches mpmath, including next to its root and for negative arguments")
    func digamma() {
        let cases: [(x: Double, expected: Double)] = [
            (1, -0.57721566490153286),  // −γ
            (0.5, -1.96351002602142348),  // −γ − 2 ln 2
            (10.3, 2.28281544643912267),
            (1e-3, -1000.57557193181028),
            (1.45, -0.0113164225864458877),
            (-2.3, 3.31732315756182274),
        ]
        for (x, expected) in cases {
            #expect(relativeError(SpecialFunctions.digamma(x), expected) < 1e-13, "ψ(\(x))")
        }
        #expect(SpecialFunctions.digamma(0).isNaN)
        #expect(SpecialFunctions.digamma(-3).isNaN)
    }

    // MARK: - Gauss hypergeometric function

    @Test("₂F₁(1, 1; 2; z) is −ln(1 − z)/z")
    func logarithmIdentity() {
        for z in [0.3, 0.75, 0.9, 0.99, 0.999, -0.5, -20] {
            let expected = -log1p(-z) / z
            #expect(relativeError(SpecialFunctions.hypergeometric2F1(1, 1, 2, z), expected) < 1e-12, "z = \(z)")
        }
    }

    @Test("₂F₁(a, b; b; z) is (1 − z)^−a")
    func binomialIdentity() {
        for z in [0.2, 0.6, 0.95, 0.999, -2] {
            let expected = pow(1 - z, -0.7)
            #expect(relativeError(SpecialFunctions.hypergeometric2F1(0.7, 2.3, 2.3, z), expected) < 1e-13, "z = \(z)")
        }
    }

    /// ln ₂F₁(r + x, β + x; α + β + x − 1; z) with r = 0.243, α = 0.793, β = 2.426.
    static let bgnbdCases: [(x: Double, z: Double, logValue: Double)] = [
        (0, 0.1, 0.0280768400178294237), (0, 0.5, 0.188218309262043002),
        (0, 0.9, 0.66661384941820366), (0, 0.99, 1.47596625914709846),
        (1, 0.1, 0.139607121921644692), (1, 0.5, 0.926800504340333627),
        (1, 0.9, 3.15135262972812913), (1, 0.99, 6.44440429264226948),
        (5, 0.1, 0.568448652684055358), (5, 0.5, 3.74648926144420224),
        (5, 0.9, 12.487336857948604), (5, 0.99, 25.0284777722958345),
        (40, 0.1, 4.26086089273814635), (40, 0.5, 28.0328792021941943),
        (40, 0.9, 93.13058185258567), (40, 0.99, 186.269219369971724),
        (300, 0.1, 31.6554315246033086), (300, 0.5, 208.255392132799384),
        (300, 0.9, 691.810468059625956), (300, 0.99, 1383.62203637735568),
    ]

    @Test("BG/NBD arguments match mpmath, in value and in logarithm")
    func bgnbdArguments() {
        for (x, z, logValue) in Self.bgnbdCases {
            let (a, b, c) = (0.243 + x, 2.426 + x, 0.793 + 2.426 + x - 1)
            let logResult = SpecialFunctions.logHypergeometric2F1(a, b, c, z)
            // The logarithm is compared absolutely: its rounding is 1e-16 of its size, and the condition
            // number |(c − a − b)z/(1 − z)| ≈ 3·10⁴ at x = 300, z = 0.99 amplifies the input rounding.
            #expect(abs(logResult - logValue) < 1e-10 * max(1, abs(logValue)), "x = \(x), z = \(z)")
            let value = SpecialFunctions.hypergeometric2F1(a, b, c, z)
            if logValue < log(Double.greatestFiniteMagnitude) {
                #expect(relativeError(value, exp(logValue)) < 1e-10, "x = \(x), z = \(z)")
            } else {
                #expect(value == .infinity, "x = \(x), z = \(z) overflows")
            }
        }
    }

    @Test("negative z goes through Pfaff's transformation")
    func negativeArgument() {
        let cases: [(x: Double, expected: Double)] = [
            (0, 0.699950601225688363), (5, 0.000589373037482553709), (40, 4.55243163023488218e-25),
        ]
        for (x, expected) in cases {
            let value = SpecialFunctions.hypergeometric2F1(0.243 + x, 2.426 + x, 0.793 + 2.426 + x - 1, -3)
            #expect(relativeError(value, expected) < 1e-12, "x = \(x)")
        }
    }

    @Test("integer c − a − b near z = 1, where the connection formula cannot be used")
    func integerExponent() {
        #expect(relativeError(SpecialFunctions.hypergeometric2F1(1.5, 2.5, 4, 0.97), 9.78473486108515694) < 1e-12)
        #expect(relativeError(SpecialFunctions.hypergeometric2F1(0.5, 1.5, 5, 0.995), 1.23940418968325627) < 1e-12)
        #expect(relativeError(SpecialFunctions.hypergeometric2F1(2.5, 1.5, 2, 0.99), 8509.14467852102066) < 1e-12)
    }

    @Test("terminating series, Gauss's sum at z = 1 and undefined arguments")
    func specialCases() {
        #expect(relativeError(SpecialFunctions.hypergeometric2F1(-3, 2, 5, 0.7), 0.4148) < 1e-14)
        #expect(relativeError(SpecialFunctions.hypergeometric2F1(0.5, 0.7, 3, 1), 1.20104376417468651) < 1e-13)
        #expect(SpecialFunctions.hypergeometric2F1(0.5, 0.7, 3, 0) == 1)
        #expect(SpecialFunctions.hypergeometric2F1(1, 1, 2, 1).isNaN)
        #expect(SpecialFunctions.hypergeometric2F1(1, 1, 2, 1.5).isNaN)
        #expect(SpecialFunctions.hypergeometric2F1(1, 1, -2, 0.5).isNaN)
    }

    // MARK: - Incomplete beta and p-values

    @Test("the regularized incomplete beta function matches mpmath")
    func incompleteBeta() {
        let cases: [(x: Double, a: Double, b: Double, expected: Double)] = [
            (0.3, 2.5, 4, 0.352197585906767214),
            (0.9, 50, 3.5, 0.147804537349631396),
            (0.001, 0.5, 0.5, 0.0201350416333774912),
        ]
        for (x, a, b, expected) in cases {
            let value = SpecialFunctions.regularizedIncompleteBeta(x, a: a, b: b)
            #expect(relativeError(value, expected) < 1e-12, "I_\(x)(\(a), \(b))")
        }
        #expect(SpecialFunctions.regularizedIncompleteBeta(0, a: 2, b: 3) == 0)
        #expect(SpecialFunctions.regularizedIncompleteBeta(1, a: 2, b: 3) == 1)
        #expect(SpecialFunctions.regularizedIncompleteBeta(0.5, a: 0, b: 3).isNaN)
    }

    @Test("Student's t p-values match scipy.stats")
    func studentT() {
        let cases: [(t: Double, nu: Double, expected: Double)] = [
            (2.5, 7, 0.0409922185857528969),
            (-0.3, 12.7, 0.769031061420975765),
            (8, 30, 6.26582247570075894e-9),
        ]
        for (t, nu, expected) in cases {
            let p = SpecialFunctions.studentTTwoSidedP(t: t, degreesOfFreedom: nu)
            #expect(relativeError(p, expected) < 1e-12, "t = \(t), ν = \(nu)")
        }
        #expect(SpecialFunctions.studentTTwoSidedP(t: 0, degreesOfFreedom: 5) == 1)
        #expect(SpecialFunctions.studentTTwoSidedP(t: 1e200, degreesOfFreedom: 5) == 0)
        #expect(SpecialFunctions.studentTTwoSidedP(t: 1.96, degreesOfFreedom: .infinity)
            == SpecialFunctions.normalTwoSidedP(z: 1.96))
    }

    @Test("the normal p-value matches scipy.stats")
    func normal() {
        #expect(relativeError(SpecialFunctions.normalTwoSidedP(z: 1.96), 0.0499957902964408724) < 1e-14)
        #expect(relativeError(SpecialFunctions.normalTwoSidedP(z: -1.96), 0.0499957902964408724) < 1e-14)
    }

    @Test("binomial p-values match scipy.stats.binomtest")
    func binomial() {
        let cases: [(k: Int, n: Int, p: Double, expected: Double)] = [
            (3, 20, 0.4, 0.022427038142043255),
            (15, 20, 0.4, 0.002135574019865314),
            (480, 1000, 0.5, 0.2174482932041415),
            (0, 7, 0.3, 0.11114980000000002),
            // Log-gamma rounding at n = 10⁴ limits this one to about 1e-11.
            (120, 10000, 0.01, 0.049728085658050036),
        ]
        for (k, n, p, expected) in cases {
            let value = SpecialFunctions.binomialTwoSidedP(successes: k, trials: n, probability: p)
            #expect(relativeError(value, expected) < 1e-10, "k = \(k), n = \(n), p = \(p)")
        }
        #expect(SpecialFunctions.binomialTwoSidedP(successes: 10, trials: 20, probability: 0.5) == 1)
        #expect(SpecialFunctions.binomialTwoSidedP(successes: 0, trials: 5, probability: 0) == 1)
        #expect(SpecialFunctions.binomialTwoSidedP(successes: 2, trials: 5, probability: 0) == 0)
        #expect(SpecialFunctions.binomialTwoSidedP(successes: 6, trials: 5, probability: 0.5).isNaN)
    }
}
