import Foundation
import RapportCore

/// A deterministic random source: xoshiro256** seeded through SplitMix64, so the same seed always gives the same
/// numbers on every platform (the standard library's generator is seeded by the system and cannot be replayed).
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// Creates a source whose whole sequence is fixed by `seed`; any value, including 0, is a good seed.
    public init(seed: UInt64) {
        // SplitMix64 spreads a small or patterned seed over the 256-bit state, which must not be all zero.
        var mixer = seed
        func splitMix() -> UInt64 {
            mixer &+= 0x9E37_79B9_7F4A_7C15
            return Self.finalize(mixer)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = (s1 &* 5).rotatedLeft(by: 7) &* 9
        let shifted = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= shifted
        s3 = s3.rotatedLeft(by: 45)
        return result
    }

    /// A seed for an independent stream derived from `seed` and `index`, so that each customer's data depends on
    /// the business seed and its own position only, not on how many numbers earlier customers drew.
    static func derivedSeed(_ seed: UInt64, _ index: UInt64) -> UInt64 {
        finalize(finalize(seed ^ 0x6A09_E667_F3BC_C909) &+ index &* 0xD1B5_4A32_D192_ED03)
    }

    /// SplitMix64's output function: a bijection whose every output bit depends on every input bit.
    private static func finalize(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension UInt64 {
    fileprivate func rotatedLeft(by count: UInt64) -> UInt64 {
        (self << count) | (self >> (64 - count))
    }
}

/// The draws the generator needs, on top of the raw bits.
extension SeededRandom {
    /// Uniform in [0, 1), with 53 random bits.
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Uniform in (0, 1]: safe to take the logarithm of.
    mutating func positiveUnit() -> Double {
        Double((next() >> 11) + 1) * 0x1p-53
    }

    /// Uniform in the range.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next(upperBound: UInt64(range.upperBound - range.lowerBound + 1)))
    }

    /// Uniform in `0..<count`.
    mutating func index(_ count: Int) -> Int {
        Int(next(upperBound: UInt64(count)))
    }

    /// True with probability `probability`.
    mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    /// One element, each equally likely; the collection must not be empty.
    mutating func pick<Element>(_ items: [Element]) -> Element {
        items[index(items.count)]
    }

    /// Exponentially distributed with the given mean.
    mutating func exponential(mean: Double) -> Double {
        -log(positiveUnit()) * mean
    }

    /// Standard normal, by the Box–Muller transform.
    mutating func normal() -> Double {
        sqrt(-2 * log(positiveUnit())) * cos(2 * Double.pi * unit())
    }

    /// Gamma distributed with the given shape and scale (mean shape × scale), by Marsaglia and Tsang's method.
    mutating func gamma(shape: Double, scale: Double) -> Double {
        if shape < 1 {
            // Gamma(k) = Gamma(k + 1) · U^(1/k) keeps the squeeze method valid for small shapes.
            return gamma(shape: shape + 1, scale: scale) * pow(positiveUnit(), 1 / shape)
        }
        let d = shape - 1.0 / 3
        let c = 1 / sqrt(9 * d)
        while true {
            let x = normal()
            let v = pow(1 + c * x, 3)
            guard v > 0 else { continue }
            let u = positiveUnit()
            if log(u) < 0.5 * x * x + d - d * v + d * log(v) { return d * v * scale }
        }
    }

    /// Beta distributed with parameters `a` and `b` (mean a / (a + b)).
    mutating func beta(_ a: Double, _ b: Double) -> Double {
        let x = gamma(shape: a, scale: 1)
        let y = gamma(shape: b, scale: 1)
        return x / (x + y)
    }

    /// A time-ordered ID (see `TimeOrderedID`) for a row created at `instant`, made of this source's bits so that
    /// IDs repeat with the seed.
    mutating func uuid(at instant: Date) -> UUID {
        TimeOrderedID.make(at: instant, random: (next(), next()))
    }

    /// `count` random decimal digits (leading zeros allowed).
    mutating func digits(_ count: Int) -> String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(count)
        for _ in 0..<count { utf8.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: next(upperBound: UInt64(10)))) }
        return String(decoding: utf8, as: UTF8.self)
    }
}

/// Items with integer weights, drawn in proportion to them by binary search over the running totals.
struct WeightedTable<Element: Sendable>: Sendable {
    let items: [Element]
    private let totals: [Int]

    /// Creates a table; every weight must be positive.
    init(_ weighted: [(Element, Int)]) {
        items = weighted.map(\.0)
        var running = 0
        totals = weighted.map { running += $0.1; return running }
    }

    /// One item, in proportion to its weight.
    func pick(_ random: inout SeededRandom) -> Element {
        let target = random.index(totals[totals.count - 1])
        var low = 0
        var high = totals.count - 1
        while low < high {
            let middle = (low + high) / 2
            if totals[middle] > target { high = middle } else { low = middle + 1 }
        }
        return items[low]
    }
}
