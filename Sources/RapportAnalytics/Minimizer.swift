import Foundation

/// Quasi-Newton minimisation (BFGS with a backtracking line search) of a smooth function with an analytic gradient.
/// The models minimise their negative mean log-likelihood over log-parameters, so every point is admissible and the
/// scale of the data does not matter.
enum Minimizer {
    /// Where it stopped and why.
    struct Result {
        let point: [Double]
        let value: Double
        let iterations: Int
        let converged: Bool
        /// The final estimate of the inverse Hessian: a good start for a refit on more data.
        let inverseHessian: [[Double]]
    }

    /// The maximum-likelihood parameters of a model: minimises the mean negative log-likelihood over free variables
    /// whose `bounded` images are the parameters (capped at `caps`), starting on `sample` when there is one.
    /// - Parameters:
    ///   - customers: how many customers data holds, to take the mean.
    ///   - logLikelihood: the log-likelihood at some parameters and its gradient with respect to their logarithms.
    /// - Returns: the parameters, the log-likelihood there, and how the search ended.
    static func maximumLikelihood<Data>(
        from start: [Double], caps: [Double], data: Data, sample: Data?, customers: @escaping (Data) -> Double,
        logLikelihood: @escaping (Data, [Double]) -> (Double, [Double])
    ) -> (parameters: [Double], logLikelihood: Double, result: Result) {
        func parameters(_ point: [Double]) -> [Double] {
            point.indices.map { bounded(point[$0], cap: caps[$0]) }
        }
        func objective(_ data: Data) -> ([Double]) -> (value: Double, gradient: [Double]) {
            let total = customers(data)
            return { point in
                let values = parameters(point)
                let (value, gradient) = logLikelihood(data, values)
                return (-value / total, gradient.indices.map {
                    -gradient[$0] * boundedSlope(values[$0], cap: caps[$0]) / total
                })
            }
        }
        let result = warmStarted(from: start, sample: sample.map(objective), full: objective(data))
        return (parameters(result.point), -result.value * customers(data), result)
    }

    /// Minimises `full` starting from the minimum of `sample`, a cheaper approximation of it (the same model on a
    /// subsample): the subsample's point and curvature carry over, so the full data is evaluated a few times instead
    /// of dozens.
    static func warmStarted(
        from start: [Double], sample: (([Double]) -> (value: Double, gradient: [Double]))?,
        full: ([Double]) -> (value: Double, gradient: [Double])
    ) -> Result {
        guard let sample else { return bfgs(from: start, objective: full) }
        let rough = bfgs(from: start, gradientTolerance: 1e-6, objective: sample)
        guard rough.point.allSatisfy(\.isFinite), full(rough.point).value.isFinite else {
            return bfgs(from: start, objective: full)
        }
        return bfgs(from: rough.point, inverseHessian: rough.inverseHessian, objective: full)
    }

    /// Minimises `objective` (value and gradient) from `start`. Non-finite values are treated as "too far": the step
    /// shrinks until the function is finite again.
    static func bfgs(
        from start: [Double], inverseHessian initialInverseHessian: [[Double]]? = nil,
        gradientTolerance: Double = 1e-9, maxIterations: Int = 1000,
        objective: ([Double]) -> (value: Double, gradient: [Double])
    ) -> Result {
        let n = start.count
        var point = start
        var (value, gradient) = objective(point)
        precondition(value.isFinite, "the objective is not finite at the starting point")
        var inverseHessian = initialInverseHessian ?? identity(n)
        var iteration = 0
        var stalls = 0
        while iteration < maxIterations {
            iteration += 1
            if gradient.map(abs).max()! < gradientTolerance {
                return Result(point: point, value: value, iterations: iteration, converged: true,
                              inverseHessian: inverseHessian)
            }
            var direction = multiply(inverseHessian, gradient).map { -$0 }
            var slope = dot(direction, gradient)
            if slope >= 0 {
                // Not a descent direction: the curvature estimate has gone wrong; start it afresh.
                inverseHessian = identity(n)
                direction = gradient.map { -$0 }
                slope = dot(direction, gradient)
            }
            // Keep the first step of a fresh estimate modest: log-parameters rarely need to move by more than 1.
            let longest = direction.map(abs).max()!
            var step = longest > 2 ? 2 / longest : 1.0
            var candidate = point
            var next: (value: Double, gradient: [Double]) = (.infinity, [])
            while step > 1e-20 {
                candidate = zip(point, direction).map { $0 + step * $1 }
                next = objective(candidate)
                if next.value.isFinite, next.value <= value + 1e-4 * step * slope { break }
                step *= 0.5
            }
            guard next.value.isFinite, step > 1e-20 else { break }
            let s = zip(candidate, point).map { $0 - $1 }
            let y = zip(next.gradient, gradient).map { $0 - $1 }
            let improvement = value - next.value
            point = candidate
            value = next.value
            gradient = next.gradient
            stalls = improvement <= 1e-16 * max(1, abs(value)) ? stalls + 1 : 0
            if stalls >= 3 { break }
            let sy = dot(s, y)
            if sy > 1e-14 {
                let hy = multiply(inverseHessian, y)
                let yhy = dot(y, hy)
                for i in 0..<n {
                    for j in 0..<n {
                        inverseHessian[i][j] += ((sy + yhy) * s[i] * s[j]) / (sy * sy) - (hy[i] * s[j] + s[i] * hy[j]) / sy
                    }
                }
            }
        }
        let converged = gradient.map(abs).max()! < gradientTolerance * 1e3
        return Result(point: point, value: value, iterations: iteration, converged: converged,
                      inverseHessian: inverseHessian)
    }

    /// A parameter as a smooth, increasing function of a free variable θ, bounded by `cap`: ≈ e^θ well below the cap.
    /// Where the likelihood keeps rising towards a limit (a BG/NBD with almost no dropouts sends a and b to infinity at
    /// a fixed ratio), the fit stops near the cap instead of overflowing; an interior optimum is unchanged.
    static func bounded(_ theta: Double, cap: Double) -> Double {
        let value = exp(theta)
        return value / (1 + value / cap)
    }

    /// The factor turning a gradient with respect to log(value) into one with respect to θ.
    static func boundedSlope(_ value: Double, cap: Double) -> Double {
        1 - value / cap
    }

    private static func identity(_ n: Int) -> [[Double]] {
        (0..<n).map { i in (0..<n).map { $0 == i ? 1 : 0 } }
    }

    private static func multiply(_ matrix: [[Double]], _ vector: [Double]) -> [Double] {
        matrix.map { dot($0, vector) }
    }

    private static func dot(_ u: [Double], _ v: [Double]) -> Double {
        zip(u, v).reduce(0) { $0 + $1.0 * $1.1 }
    }
}
