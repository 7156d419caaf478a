import Foundation
import RapportCore

/// The BG/NBD model (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way"): while alive a customer buys
/// at a Poisson rate λ ~ Gamma(r, α) and after each purchase drops out with probability p ~ Beta(a, b).
public enum BGNBD {
    /// Customers grouped by identical (x, t_x, T): the likelihood only depends on those, so a million customers
    /// collapse to far fewer terms. Times are in the model's unit.
    public struct Data: Sendable {
        public private(set) var x: [Double] = []
        public private(set) var tx: [Double] = []
        public private(set) var T: [Double] = []
        public private(set) var weight: [Double] = []

        /// Groups customers' summaries; times are divided by `timeUnitDays`.
        public init(_ summaries: some Sequence<RepeatSummary>, timeUnitDays: Int) {
            // Sorted, equal keys are neighbours (and ordered by x, so the log-likelihood computes the terms in x alone
            // once per x).
            var keys = summaries.map(Self.key)
            keys.sort()
            let unit = Double(timeUnitDays)
            var index = 0
            while index < keys.count {
                let key = keys[index]
                var end = index + 1
                while end < keys.count, keys[end] == key { end += 1 }
                x.append(Double(key >> 44))
                tx.append(Double((key >> 22) & ((1 << 22) - 1)) / unit)
                T.append(Double(key & ((1 << 22) - 1)) / unit)
                weight.append(Double(end - index))
                index = end
            }
        }

        /// Customers.
        public var customers: Double { weight.reduce(0, +) }

        /// (x, t_x, T) in days packed into one number: x < 2^20 and both spans < 2^22 days.
        static func key(_ summary: RepeatSummary) -> UInt64 {
            UInt64(min(summary.x, (1 << 20) - 1)) << 44
                | UInt64(summary.daysFirstToLast & ((1 << 22) - 1)) << 22
                | UInt64(summary.daysObserved & ((1 << 22) - 1))
        }

        /// Every `step`-th group: a cheap stand-in for the whole, to start a fit near its end.
        func sample(every step: Int) -> Data {
            var sample = self
            let kept = Swift.stride(from: 0, to: x.count, by: step)
            sample.x = kept.map { x[$0] }
            sample.tx = kept.map { tx[$0] }
            sample.T = kept.map { T[$0] }
            sample.weight = kept.map { weight[$0] }
            return sample
        }
    }

    /// Groups beyond which a fit starts on a subsample of about this many.
    static let sampleSize = 20_000

    /// The fitted parameters and the log-likelihood at them.
    public struct Fit: Sendable {
        public let parameters: BGNBDParameters
        public let logLikelihood: Double
        public let iterations: Int
        public let converged: Bool
    }

    /// Maximum-likelihood fit.
    /// - Throws: `AnalyticsError.tooFewCustomers` without enough repeat buying to identify the model.
    public static func fit(_ data: Data) throws(AnalyticsError) -> Fit {
        let repeatCustomers = zip(data.x, data.weight).reduce(0.0) { $0 + ($1.0 > 0 ? $1.1 : 0) }
        guard data.customers >= 10, repeatCustomers >= 2 else {
            throw .tooFewCustomers("BG/NBD needs at least 10 customers of whom 2 bought again")
        }
        let total = data.customers
        let meanT = zip(data.T, data.weight).reduce(0.0) { $0 + $1.0 * $1.1 } / total
        let start = [0, log(max(meanT, 1e-3) / 10), 0, 0.0]
        // r and α may run off together (everyone buying at one rate), as may a and b (everyone with one dropout
        // probability): each is capped far beyond any real population's value.
        let caps = [1e4, 1e4 * max(meanT, 1), 1e4, 1e4]
        let sample = data.x.count > 4 * sampleSize ? data.sample(every: data.x.count / sampleSize) : nil
        let fit = Minimizer.maximumLikelihood(
            from: start, caps: caps, data: data, sample: sample, customers: \.customers
        ) { data, values in
            logLikelihood(BGNBDParameters(r: values[0], alpha: values[1], a: values[2], b: values[3]), data)
        }
        let values = fit.parameters
        return Fit(parameters: BGNBDParameters(r: values[0], alpha: values[1], a: values[2], b: values[3]),
                   logLikelihood: fit.logLikelihood, iterations: fit.result.iterations, converged: fit.result.converged)
    }

    /// The log-likelihood of grouped data and its gradient with respect to the log-parameters (log r, log α,
    /// log a, log b), summed over chunks of the groups on every core.
    public static func logLikelihood(_ parameters: BGNBDParameters, _ data: Data) -> (Double, [Double]) {
        let sums = Parallel.sum(count: data.x.count, width: 5) { range in
            partialLogLikelihood(parameters, data, range)
        }
        return (sums[0], Array(sums.dropFirst()))
    }

    /// The log-likelihood and its gradient over some groups, as [value, ∂/∂log r, ∂/∂log α, ∂/∂log a, ∂/∂log b].
    static func partialLogLikelihood(_ parameters: BGNBDParameters, _ data: Data, _ range: Range<Int>) -> [Double] {
        let (r, alpha, a, b) = (parameters.r, parameters.alpha, parameters.a, parameters.b)
        let logAlpha = log(alpha)
        let (lgR, psiR) = (SpecialFunctions.logGamma(r), SpecialFunctions.digamma(r))
        let (lgA_B, psiA_B) = (SpecialFunctions.logGamma(a + b), SpecialFunctions.digamma(a + b))
        let (lgB, psiB) = (SpecialFunctions.logGamma(b), SpecialFunctions.digamma(b))
        var total = 0.0
        var (gr, galpha, ga, gb) = (0.0, 0.0, 0.0, 0.0)
        var currentX = -1.0
        var base = 0.0, baseR = 0.0, baseA = 0.0, baseB = 0.0
        for group in range {
            let x = data.x[group]
            if x != currentX {
                currentX = x
                // The terms that depend on x alone.
                let psiRX = SpecialFunctions.digamma(r + x)
                let psiBX = SpecialFunctions.digamma(b + x)
                let psiABX = SpecialFunctions.digamma(a + b + x)
                base = SpecialFunctions.logGamma(r + x) - lgR + r * logAlpha + lgA_B + SpecialFunctions.logGamma(b + x) - lgB - SpecialFunctions.logGamma(a + b + x)
                baseR = psiRX - psiR + logAlpha
                baseA = psiA_B - psiABX
                baseB = psiA_B + psiBX - psiB - psiABX
            }
            let w = data.weight[group]
            let logT = log(alpha + data.T[group])
            let a3 = -(r + x) * logT
            var term = base + a3
            var dr = baseR - logT
            var dalpha = r / alpha - (r + x) / (alpha + data.T[group])
            var da = baseA
            var db = baseB
            if x > 0 {
                let logTx = log(alpha + data.tx[group])
                let a4 = log(a) - log(b + x - 1) - (r + x) * logTx
                // log(e^a3 + e^a4) and the share s of the second term, computed without overflow.
                let high = max(a3, a4)
                let sum = exp(a3 - high) + exp(a4 - high)
                let s = exp(a4 - high) / sum
                term = base + high + log(sum)
                dr = baseR - (1 - s) * logT - s * logTx
                dalpha = r / alpha - (1 - s) * (r + x) / (alpha + data.T[group]) - s * (r + x) / (alpha + data.tx[group])
                da = baseA + s / a
                db = baseB - s / (b + x - 1)
            }
            total += w * term
            gr += w * dr
            galpha += w * dalpha
            ga += w * da
            gb += w * db
        }
        return [total, gr * r, galpha * alpha, ga * a, gb * b]
    }
}

extension BGNBDParameters {
    /// P(alive | x, t_x, T): 1 for a customer who never bought again (the model cannot tell it left).
    public func pAlive(x: Double, tx: Double, T: Double) -> Double {
        guard x > 0 else { return 1 }
        let logRatio = (r + x) * (log(alpha + T) - log(alpha + tx)) + log(a) - log(b + x - 1)
        return logRatio > 700 ? 0 : 1 / (1 + exp(logRatio))
    }

    /// E[Y(t) | x, t_x, T]: purchases expected in the next `t` time units (FHL 2005, eq. 10).
    public func expectedPurchases(in t: Double, x: Double, tx: Double, T: Double) -> Double {
        guard t > 0 else { return 0 }
        let z = t / (alpha + T + t)
        // ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; z), rewritten by Euler's transformation as
        // (1−z)^(a−1) · 2F1(a+b−1−r, a−1; a+b+x−1; z): the first form overflows for customers with many purchases.
        var product = pow(1 - z, a - 1) * SpecialFunctions.hypergeometric2F1(a + b - 1 - r, a - 1, a + b + x - 1, z)
        if !product.isFinite {
            // Large a and b: the power underflows where the series overflows; their product does neither.
            product = exp((a - 1) * log(1 - z)
                + SpecialFunctions.logHypergeometric2F1(a + b - 1 - r, a - 1, a + b + x - 1, z))
        }
        let numerator = (a + b + x - 1) / (a - 1) * (1 - product)
        guard x > 0 else { return numerator }
        let logRatio = (r + x) * (log(alpha + T) - log(alpha + tx)) + log(a) - log(b + x - 1)
        return logRatio > 700 ? 0 : numerator / (1 + exp(logRatio))
    }
}

/// Why the analytics engine could not run.
public enum AnalyticsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Too little data to fit a model.
    case tooFewCustomers(String)
    /// Input that cannot be read, with where and why.
    case invalidInput(String)

    public var description: String {
        switch self {
        case .tooFewCustomers(let message), .invalidInput(let message): message
        }
    }
}
