import Foundation

extension SpecialFunctions {
    /// The Gauss hypergeometric function ₂F₁(a, b; c; z) for real parameters and z ≤ 1.
    ///
    /// The power series runs on whichever of (a, b) and Euler's (c − a, c − b) has the smaller
    /// parameters, so the BG/NBD arguments (a = r + x, b = β + x, c = α + β + x − 1) need only a handful of
    /// terms even for x in the hundreds: about 35 terms at z = 0.4, roughly 0.1–0.2 µs a call. Above
    /// z = 0.8, unless c is well above the numerator parameters, the 1 − z connection formula is used when
    /// its own rounding-error estimate is below 1e-13 (it is not when c − a − b is close to an integer or
    /// the parameters are large), and otherwise a long series of up to 10⁶ terms. Negative z goes
    /// through Pfaff's transformation, and z = 1 gives Gauss's sum when c − a − b > 0.
    ///
    /// Accuracy against mpmath over random BG/NBD arguments (x ≤ 700, z up to 0.9999, and z < 0):
    /// relative error below 2e-13, typically 1e-15; with c − a − b an integer, below 1e-13 up to
    /// z = 0.999. Beyond that, near-integer c − a − b makes the series long (about 40/(1 − z) terms),
    /// and past the 10⁶-term cap the result is truncated. Parameters that make the series alternate
    /// with large terms (large negative a or b), and values near a zero of the function, lose digits to
    /// cancellation. Results beyond the `Double` range overflow to ±∞ (BG/NBD with x = 300 at z = 0.99
    /// does); use ``logHypergeometric2F1(_:_:_:_:)`` there.
    ///
    /// - Returns: The value, or NaN when z > 1, when the series diverges at z = 1, or when c is a
    ///   non-positive integer without a terminating numerator parameter ahead of it.
    public static func hypergeometric2F1(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
        let f = scaledHypergeometric(a, b, c, z)
        if f.logScale == 0 { return f.value }
        if f.logScale < 700 { return f.value * exp(f.logScale) }
        // exp alone would overflow although the product might not.
        let magnitude = exp(f.logScale + log(abs(f.value)))
        return f.value < 0 ? -magnitude : magnitude
    }

    /// ln|₂F₁(a, b; c; z)|, which stays finite where the function itself overflows a `Double`.
    ///
    /// Same method, domain and accuracy (absolute, in the logarithm) as
    /// ``hypergeometric2F1(_:_:_:_:)``; the sign, where it matters, comes from that function.
    public static func logHypergeometric2F1(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
        let f = scaledHypergeometric(a, b, c, z)
        return f.logScale + log(abs(f.value))
    }

    /// A value held as `value`·e^`logScale`, so that large prefactors keep their digits.
    private struct Scaled {
        var logScale: Double
        var value: Double
    }

    /// A (possibly transformed) series sum with what is needed to judge it.
    private struct SeriesSum {
        var result: Scaled
        /// Estimated relative rounding error of `result`.
        var relativeError: Double
        var converged: Bool
    }

    /// The cap on series terms; only near-integer c − a − b with z within 4e-5 of 1 reaches it.
    private static let seriesTermLimit = 1_000_000
    /// Above this z the plain series takes hundreds of terms, and the alternatives start to pay.
    private static let nearOne = 0.8
    /// The largest estimated error at which the connection formula is trusted over a long series.
    private static let connectionTolerance = 1e-13

    private static func scaledHypergeometric(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Scaled {
        let undefined = Scaled(logScale: 0, value: .nan)
        guard a.isFinite, b.isFinite, c.isFinite, z.isFinite, z <= 1 else { return undefined }
        if z == 0 { return Scaled(logScale: 0, value: 1) }
        if isNonPositiveInteger(c), !(isNonPositiveInteger(a) && a > c), !(isNonPositiveInteger(b) && b > c) {
            return undefined
        }
        if z == 1 {
            // Gauss's sum: Γ(c)Γ(c − a − b)/(Γ(c − a)Γ(c − b)).
            guard c - a - b > 0 else { return undefined }
            let numerator = (signedLogGamma(c), signedLogGamma(c - a - b))
            let denominator = (signedLogGamma(c - a), signedLogGamma(c - b))
            return Scaled(
                logScale: numerator.0.log + numerator.1.log - denominator.0.log - denominator.1.log,
                value: numerator.0.sign * numerator.1.sign * denominator.0.sign * denominator.1.sign
            )
        }
        if z > 0 { return unitIntervalHypergeometric(a, b, c, z) }
        // Pfaff: ₂F₁(a, b; c; z) = (1 − z)^−a ₂F₁(a, c − b; c; z/(z − 1)), with z/(z − 1) in (0, 1).
        // Keep a or b as the retained parameter, whichever terminates the series or keeps it smaller.
        let w = z / (z - 1)
        guard w < 1 else { return undefined }
        let keepA = isNonPositiveInteger(a)
            || (!isNonPositiveInteger(b) && abs(a) + abs(c - b) <= abs(b) + abs(c - a))
        let (kept, other) = keepA ? (a, b) : (b, a)
        var f = unitIntervalHypergeometric(kept, c - other, c, w)
        f.logScale -= kept * log1p(-z)
        return f
    }

    /// ₂F₁ for 0 < z < 1.
    private static func unitIntervalHypergeometric(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Scaled {
        if isNonPositiveInteger(a) || isNonPositiveInteger(b) {
            return gaussSeries(a, b, c, z).result
        }
        if isNonPositiveInteger(c - a) || isNonPositiveInteger(c - b) {
            return eulerSeries(a, b, c, z).result
        }
        guard z > nearOne else { return shorterSeries(a, b, c, z).result }
        // With c well above the numerator parameters (BG/NBD with many repeat purchases) the series
        // converges fast even near 1, and it avoids the rounding of the connection formula.
        let numeratorSize = prefersEuler(a, b, c) ? max(abs(c - a), abs(c - b)) : max(abs(a), abs(b))
        if c > numeratorSize + 20 { return shorterSeries(a, b, c, z).result }
        if let f = connection(a, b, c, z) { return f }
        // Only the series is left. Its terms fall off like n^(−s−1) zⁿ, or n^(s−1) zⁿ after Euler's
        // transformation, with s = c − a − b: take the form with the faster tail.
        if c - a - b > 0 { return gaussSeries(a, b, c, z).result }
        return eulerSeries(a, b, c, z).result
    }

    /// Whether Euler's (c − a, c − b) are smaller than (a, b), which shortens the series.
    private static func prefersEuler(_ a: Double, _ b: Double, _ c: Double) -> Bool {
        abs(c - a) + abs(c - b) < abs(a) + abs(b)
    }

    /// The direct or Euler-transformed series, whichever has the smaller numerator parameters.
    private static func shorterSeries(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> SeriesSum {
        if prefersEuler(a, b, c) {
            return eulerSeries(a, b, c, z)
        }
        return gaussSeries(a, b, c, z)
    }

    /// Euler's transformation: ₂F₁(a, b; c; z) = (1 − z)^(c−a−b) ₂F₁(c − a, c − b; c; z).
    private static func eulerSeries(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> SeriesSum {
        var series = gaussSeries(c - a, c - b, c, z)
        series.result.logScale = (c - a - b) * log1p(-z)
        series.relativeError += 2 * Double.ulpOfOne * abs(series.result.logScale)
        return series
    }

    /// The connection formula around z = 1 (Abramowitz & Stegun 15.3.6), with s = c − a − b:
    ///
    ///     Γ(c)Γ(s)/(Γ(c−a)Γ(c−b)) ₂F₁(a, b; 1−s; 1−z)
    ///         + (1−z)^s Γ(c)Γ(−s)/(Γ(a)Γ(b)) ₂F₁(c−a, c−b; 1+s; 1−z)
    ///
    /// - Returns: nil when s is an integer or the two halves cancel or grow so much that the estimated
    ///   error exceeds `connectionTolerance`.
    private static func connection(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Scaled? {
        let s = c - a - b
        guard s != s.rounded() else { return nil }
        let w = 1 - z
        let first = shorterSeries(a, b, 1 - s, w)
        let second = shorterSeries(c - a, c - b, 1 + s, w)
        guard first.converged, second.converged else { return nil }
        let gammaC = signedLogGamma(c)
        let firstFactors = (gammaC, signedLogGamma(s), signedLogGamma(c - a), signedLogGamma(c - b))
        let secondFactors = (gammaC, signedLogGamma(-s), signedLogGamma(a), signedLogGamma(b))
        let firstLog = firstFactors.0.log + firstFactors.1.log - firstFactors.2.log - firstFactors.3.log
            + first.result.logScale
        let secondLog = secondFactors.0.log + secondFactors.1.log - secondFactors.2.log - secondFactors.3.log
            + s * log(w) + second.result.logScale
        let scale = max(firstLog, secondLog)
        let firstTerm = firstFactors.0.sign * firstFactors.1.sign * firstFactors.2.sign * firstFactors.3.sign
            * first.result.value * exp(firstLog - scale)
        let secondTerm = secondFactors.0.sign * secondFactors.1.sign * secondFactors.2.sign * secondFactors.3.sign
            * second.result.value * exp(secondLog - scale)
        let value = firstTerm + secondTerm
        // Each log-gamma carries a relative rounding error, which becomes an absolute error in the
        // logarithm of its half and so a relative error of that half.
        let roundingOfLogs = 2 * Double.ulpOfOne
        let firstError = first.relativeError + roundingOfLogs * (abs(firstFactors.0.log) + abs(firstFactors.1.log)
            + abs(firstFactors.2.log) + abs(firstFactors.3.log) + abs(firstLog))
        let secondError = second.relativeError + roundingOfLogs * (abs(secondFactors.0.log)
            + abs(secondFactors.1.log) + abs(secondFactors.2.log) + abs(secondFactors.3.log) + abs(secondLog))
        let estimatedError = (abs(firstTerm) * firstError + abs(secondTerm) * secondError) / abs(value)
        guard estimatedError <= connectionTolerance else { return nil }
        return Scaled(logScale: scale, value: value)
    }

    /// Sums Σ (a)ₙ(b)ₙ/((c)ₙ n!) zⁿ, for 0 < z < 1, until the remaining tail is below 1e-16 of the sum.
    ///
    /// Allocation-free: this loop is where nearly all of the BG/NBD time goes.
    @inline(__always)
    private static func gaussSeries(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> SeriesSum {
        var term = 1.0
        var sum = 1.0
        var magnitude = 1.0
        var n = 0.0
        var count = 0
        // Until every a + n, b + n and c + n is positive and n is past the vertex of the quadratic
        // (a+n)(b+n)z − (c+n)(n+1), terms may change sign, and a small one may precede a hump.
        let settled = max(0, -a, -b, -c, ((a + b) * z - c - 1) / (2 * (1 - z)))
        while n <= settled, count < seriesTermLimit {
            term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z
            sum += term
            magnitude += abs(term)
            n += 1
            count += 1
            if term == 0 { break }
        }
        // From here on terms keep one sign, and once their ratio drops below 1 it stays there. Testing
        // for convergence only every fourth term more than doubles the speed, for at most three extra
        // negligible terms.
        let sumBeforeTail = sum
        var converged = term == 0
        while !converged, count < seriesTermLimit {
            var ratio = 0.0
            for _ in 0..<4 {
                ratio = (a + n) * (b + n) / ((c + n) * (n + 1)) * z
                term *= ratio
                sum += term
                n += 1
            }
            count += 4
            // Later ratios approach z, so the tail is at most term·r/(1 − r) with r = max(ratio, z).
            let bound = max(ratio, z)
            converged = bound < 1 && abs(term) <= 1e-16 * (1 - bound) * abs(sum)
        }
        magnitude += abs(sum - sumBeforeTail)
        // Rounding grows with the largest terms relative to the sum, and with the number of terms.
        let error = Double.ulpOfOne * (magnitude / abs(sum)) * (1 + n.squareRoot())
        return SeriesSum(result: Scaled(logScale: 0, value: sum), relativeError: error, converged: converged)
    }

    private static func isNonPositiveInteger(_ x: Double) -> Bool {
        x <= 0 && x == x.rounded()
    }
}
