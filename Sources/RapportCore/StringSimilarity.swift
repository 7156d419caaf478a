/// String similarity measures over Unicode scalars, for matching names and addresses.
///
/// Everything works on arrays of scalar values (`[UInt32]`), so a Chinese character counts as one unit just like a
/// Latin letter, and the inner loops compare integers rather than grapheme clusters. Callers that compare the same
/// text many times should convert it once with `scalars(_:)`.
public enum StringSimilarity {
    /// The scalar values of `text`, the unit every measure here works on.
    public static func scalars(_ text: String) -> [UInt32] {
        text.unicodeScalars.map(\.value)
    }

    /// Jaro-Winkler similarity of two strings (see the `[UInt32]` overload).
    public static func jaroWinkler(_ a: String, _ b: String) -> Double {
        jaroWinkler(scalars(a), scalars(b))
    }

    /// Jaro-Winkler similarity in 0…1: the Jaro similarity raised for a common prefix of up to `maxPrefix` units,
    /// by `prefixScale` of the remaining distance per unit (Winkler 1990). 1 means equal, 0 nothing in common;
    /// two empty strings are equal.
    ///
    /// Known values: MARTHA/MARHTA 0.961, DWAYNE/DUANE 0.840, DIXON/DICKSONX 0.813.
    /// - Parameters:
    ///   - prefixScale: Winkler's `p`; at most 0.25 keeps the result within 0…1 with the default `maxPrefix` of 4.
    ///   - maxPrefix: the longest common prefix that counts.
    public static func jaroWinkler(
        _ a: [UInt32], _ b: [UInt32], prefixScale: Double = 0.1, maxPrefix: Int = 4
    ) -> Double {
        let jaro = jaro(a, b)
        guard jaro > 0 else { return 0 }
        var prefix = 0
        let limit = min(maxPrefix, a.count, b.count)
        while prefix < limit, a[prefix] == b[prefix] { prefix += 1 }
        return jaro + Double(prefix) * prefixScale * (1 - jaro)
    }

    /// Jaro similarity in 0…1: with `m` units matched within a window and `t` half the number of matched units that
    /// are out of order, (m/|a| + m/|b| + (m − t)/m) / 3.
    ///
    /// The matching window is half the longer length less one, as Jaro defined it, but never less than 1: the
    /// classic window is 0 for strings of up to three units, which would make a swapped Chinese two-character name
    /// (`张伟`/`伟张`) score 0 although it holds the same characters. For strings of four or more units the
    /// window is Jaro's own. The result does not depend on the order of the arguments.
    public static func jaro(_ a: [UInt32], _ b: [UInt32]) -> Double {
        if a.isEmpty && b.isEmpty { return 1 }
        if a.isEmpty || b.isEmpty { return 0 }
        if a == b { return 1 }
        // Greedy matching can depend on which side leads, so the same side always leads: symmetry is promised.
        let (first, second) = precedes(a, b) ? (a, b) : (b, a)
        if first.count <= 64 && second.count <= 64 {
            return jaroSmall(first, second)
        }
        return jaroLarge(first, second)
    }

    /// Jaro for strings of at most 64 units, with the matched flags kept in two bit sets.
    private static func jaroSmall(_ a: [UInt32], _ b: [UInt32]) -> Double {
        let window = max(1, max(a.count, b.count) / 2 - 1)
        var matchedA: UInt64 = 0
        var matchedB: UInt64 = 0
        var matches = 0
        for i in 0..<a.count {
            let low = max(0, i - window)
            let high = min(b.count - 1, i + window)
            guard low <= high else { continue }
            for j in low...high where matchedB & (1 << UInt64(j)) == 0 && a[i] == b[j] {
                matchedA |= 1 << UInt64(i)
                matchedB |= 1 << UInt64(j)
                matches += 1
                break
            }
        }
        guard matches > 0 else { return 0 }
        var outOfOrder = 0
        var j = 0
        for i in 0..<a.count where matchedA & (1 << UInt64(i)) != 0 {
            while matchedB & (1 << UInt64(j)) == 0 { j += 1 }
            if a[i] != b[j] { outOfOrder += 1 }
            j += 1
        }
        return formula(matches: matches, outOfOrder: outOfOrder, a.count, b.count)
    }

    /// Jaro for longer strings, with the matched flags in arrays.
    private static func jaroLarge(_ a: [UInt32], _ b: [UInt32]) -> Double {
        let window = max(1, max(a.count, b.count) / 2 - 1)
        var matchedA = [Bool](repeating: false, count: a.count)
        var matchedB = [Bool](repeating: false, count: b.count)
        var matches = 0
        for i in 0..<a.count {
            let low = max(0, i - window)
            let high = min(b.count - 1, i + window)
            guard low <= high else { continue }
            for j in low...high where !matchedB[j] && a[i] == b[j] {
                matchedA[i] = true
                matchedB[j] = true
                matches += 1
                break
            }
        }
        guard matches > 0 else { return 0 }
        var outOfOrder = 0
        var j = 0
        for i in 0..<a.count where matchedA[i] {
            while !matchedB[j] { j += 1 }
            if a[i] != b[j] { outOfOrder += 1 }
            j += 1
        }
        return formula(matches: matches, outOfOrder: outOfOrder, a.count, b.count)
    }

    /// Jaro's formula; `outOfOrder` counts half-transpositions, so t is half of it.
    private static func formula(matches: Int, outOfOrder: Int, _ lengthA: Int, _ lengthB: Int) -> Double {
        let m = Double(matches)
        let t = Double(outOfOrder / 2)
        return (m / Double(lengthA) + m / Double(lengthB) + (m - t) / m) / 3
    }

    /// A total order on scalar arrays: shorter first, then lexicographic.
    private static func precedes(_ a: [UInt32], _ b: [UInt32]) -> Bool {
        if a.count != b.count { return a.count < b.count }
        for (x, y) in zip(a, b) where x != y { return x < y }
        return false
    }

    /// The optimal-string-alignment distance (Damerau-Levenshtein without editing a substring twice): the fewest
    /// insertions, deletions, substitutions and swaps of adjacent units that turn `a` into `b`.
    public static func damerauLevenshtein(_ a: [UInt32], _ b: [UInt32]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        let width = b.count + 1
        // Three rows are enough: the swap looks two rows back.
        var previous2 = [Int](repeating: 0, count: width)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: width)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    best = min(best, previous2[j - 2] + 1)
                }
                current[j] = best
            }
            swap(&previous2, &previous)
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// 1 − distance ÷ the longer length, in 0…1; two empty strings are equal.
    public static func damerauLevenshteinSimilarity(_ a: [UInt32], _ b: [UInt32]) -> Double {
        let longer = max(a.count, b.count)
        guard longer > 0 else { return 1 }
        return 1 - Double(damerauLevenshtein(a, b)) / Double(longer)
    }
}
