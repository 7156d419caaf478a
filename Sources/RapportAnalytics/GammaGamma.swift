import Foundation
import RapportCore

/// The Gamma-Gamma model of spend (Fader & Hardie 2013): a customer's amounts are Gamma(p, ν) around its own mean,
/// and ν ~ Gamma(q, γ) across customers. Fitted on repeat customers: x repeat purchase days with mean amount m.
public enum GammaGamma {
    /// Repeat customers' (x, m), ordered by x so that the terms in x alone are computed once per x.
    public struct Data: Sendable {
        public private(set) var x: [Double] = []
        public private(set) var meanAmount: [Double] = []
        fileprivate var logMean: [Double] = []
        fileprivate var logX: [Double] = []

        /// Keeps the customers with x > 0 and a positive mean amount.
        public init(_ summaries: some Sequence<RepeatSummary>) {
            let rows = summaries.filter { $0.x > 0 && $0.meanRepeatAmount > 0 }.sorted { $0.x < $1.x }
            x = rows.map { Double($0.x) }
            meanAmount = rows.map(\.meanRepeatAmount)
            logMean = meanAmount.map(log)
            logX = x.map(log)
        }

        /// Repeat customers.
        public var customers: Int { x.count }

        /// Every `step`-th customer: a cheap stand-in for the whole, to start a fit near its end.
        func sample(every step: Int) -> Data {
            var sample = self
            let kept = Swift.stride(from: 0, to: x.count, by: step)
            sample.x = kept.map { x[$0] }
            sample.meanAmount = kept.map { meanAmount[$0] }
            sample.logMean = kept.map { logMean[$0] }
            sample.logX = kept.map { logX[$0] }
            return sample
        }
    }

    /// The fitted parameters and the log-likelihood at them.
    public struct Fit: Sendable {
        public let parameters: GammaGammaParameters
        public let logLikelihood: Double
        public let iterations: Int
        public let converged: Bool
    }

    /// Maximum-likelihood fit.
    /// - Throws: `AnalyticsError.tooFewCustomers` with fewer than 10 repeat customers.
    public static func fit(_ data: Data) throws(AnalyticsError) -> Fit {
        guard data.customers >= 10 else {
            throw .tooFewCustomers("Gamma-Gamma needs at least 10 customers who bought again")
        }
        let total = Double(data.customers)
        let mean = data.meanAmount.reduce(0, +) / total
        // Start where the population mean spend pγ/(q−1) equals the observed mean.
        let start = [0, log(2.0), log(mean)]
        // Spend identical within each customer sends p (and with it q and γ) towards infinity: capped far beyond any
        // real population's value.
        let caps = [1e4, 1e4, 1e4 * max(mean, 1)]
        let sample = data.customers > 4 * BGNBD.sampleSize
            ? data.sample(every: data.customers / BGNBD.sampleSize) : nil
        let fit = Minimizer.maximumLikelihood(
            from: start, caps: caps, data: data, sample: sample, customers: { Double($0.customers) }
        ) { data, values in
            logLikelihood(GammaGammaParameters(p: values[0], q: values[1], gamma: values[2]), data)
        }
        let values = fit.parameters
        return Fit(parameters: GammaGammaParameters(p: values[0], q: values[1], gamma: values[2]),
                   logLikelihood: fit.logLikelihood, iterations: fit.result.iterations, converged: fit.result.converged)
    }

    /// The log-likelihood and its gradient with respect to (log p, log q, log γ), summed over chunks of the customers
    /// on every core.
    public static func logLikelihood(_ parameters: GammaGammaParameters, _ data: Data) -> (Double, [Double]) {
        let sums = Parallel.sum(count: data.x.count, width: 4) { range in
            partialLogLikelihood(parameters, data, range)
        }
        return (sums[0], Array(sums.dropFirst()))
    }

    /// The log-likelihood and its gradient over some customers, as [value, ∂/∂log p, ∂/∂log q, ∂/∂log γ].
    static func partialLogLikelihood(_ parameters: GammaGammaParameters, _ data: Data, _ range: Range<Int>) -> [Double] {
        let (p, q, gamma) = (parameters.p, parameters.q, parameters.gamma)
        let logGammaQ = SpecialFunctions.logGamma(q)
        let psiQ = SpecialFunctions.digamma(q)
        let logScale = log(gamma)
        var total = 0.0
        var (gp, gq, gg) = (0.0, 0.0, 0.0)
        var currentX = -1.0
        var base = 0.0, psiPXQ = 0.0, psiPX = 0.0
        for row in range {
            let x = data.x[row]
            if x != currentX {
                currentX = x
                base = SpecialFunctions.logGamma(p * x + q) - SpecialFunctions.logGamma(p * x) - logGammaQ + q * logScale
                psiPXQ = SpecialFunctions.digamma(p * x + q)
                psiPX = SpecialFunctions.digamma(p * x)
            }
            let m = data.meanAmount[row]
            let logTotal = log(x * m + gamma)
            total += base + (p * x - 1) * data.logMean[row] + p * x * data.logX[row] - (p * x + q) * logTotal
            gp += x * (psiPXQ - psiPX + data.logMean[row] + data.logX[row] - logTotal)
            gq += psiPXQ - psiQ + logScale - logTotal
            gg += q / gamma - (p * x + q) / (x * m + gamma)
        }
        return [total, gp * p, gq * q, gg * gamma]
    }
}

extension GammaGammaParameters {
    /// Expected spend per future purchase of a customer with x repeat purchase days averaging m: a weighted mean of
    /// the population mean and its own, weighted more to its own the more it bought.
    public func expectedSpend(x: Int, meanAmount m: Double) -> Double {
        guard x > 0 else { return populationMeanSpend }
        return p * (gamma + Double(x) * m) / (p * Double(x) + q - 1)
    }
}
