/// A telephone number in E.164 form (`+8613800138000`).
public struct PhoneNumber: Hashable, Sendable {
    /// The E.164 string, "+" then 8–15 digits.
    public let e164: String
    /// The ITU country calling code, e.g. 86.
    public let countryCode: Int

    /// Parses what a person typed. `defaultRegion` is an ISO 3166-1 alpha-2 code used when the number has no
    /// international prefix. Accepts full-width digits and "＋", spaces, hyphens, dots, parentheses, slashes;
    /// "+" or "00" (and "011" for NANP regions) as international prefix; the region's trunk prefix (e.g. "0" in CN,
    /// GB, DE, JP; "1" in NANP) is dropped from national numbers. Rejects letters, too few/too many digits for the
    /// region (each region in the table has its valid national significant number lengths), unknown country
    /// calling codes. Errors: code "invalid_phone" with a message naming the problem
    /// ("too few digits for CN", "unknown country calling code +999", "contains letters").
    public init(parsing raw: String, defaultRegion: String) throws(NormalizationError) {
        guard let home = PhoneRegion.named(defaultRegion) else {
            throw Self.invalid("unknown region \(defaultRegion.uppercased())")
        }
        let (digits, hasPlus) = try Self.scan(raw)
        if let international = hasPlus ? digits[...] : Self.strippingInternationalPrefix(digits, in: home) {
            try self.init(international: international, home: home)
        } else {
            try self.init(national: digits[...], region: home)
        }
    }

    /// A number that starts with its country calling code.
    private init(international digits: Substring, home: PhoneRegion) throws(NormalizationError) {
        guard !digits.isEmpty else { throw Self.invalid("missing country calling code") }
        guard let callingCode = PhoneRegion.callingCode(prefixing: digits) else {
            throw Self.invalid("unknown country calling code +\(digits.prefix(3))")
        }
        let national = digits.dropFirst(String(callingCode).count)
        // The default region goes first so errors for a shared code (+1) name the region the user works in.
        let sharing = PhoneRegion.all.filter { $0.callingCode == callingCode }
        let regions = sharing.filter { $0.code == home.code } + sharing.filter { $0.code != home.code }
        guard let main = regions.first else {
            // Outside the table only E.164's own bounds can be checked.
            guard digits.count >= 8 else { throw Self.invalid("too few digits for +\(callingCode)") }
            guard digits.count <= 15 else { throw Self.invalid("too many digits for +\(callingCode)") }
            self.init(callingCode: callingCode, national: national)
            return
        }
        // "+44 (0)20 …" is a common way to show the trunk prefix, so it is dropped when the number is invalid with it.
        var candidates = [national]
        if let trunk = main.trunkPrefix, national.hasPrefix(trunk) {
            candidates.append(national.dropFirst(trunk.count))
        }
        let significant = try Self.firstValid(candidates, in: regions)
        self.init(callingCode: callingCode, national: significant)
    }

    /// A number written the way it is dialled inside `region`.
    private init(national digits: Substring, region: PhoneRegion) throws(NormalizationError) {
        var candidates: [Substring] = []
        if let trunk = region.trunkPrefix, digits.hasPrefix(trunk) {
            candidates.append(digits.dropFirst(trunk.count))
        }
        // The undropped form comes second because some numbers start with the trunk digit (Russia's 8, 812 …),
        // and the country code typed without "+" ("86 138 …") third, as a last resort.
        candidates.append(digits)
        let callingCode = String(region.callingCode)
        if digits.hasPrefix(callingCode) {
            candidates.append(digits.dropFirst(callingCode.count))
        }
        let significant = try Self.firstValid(candidates, in: [region])
        self.init(callingCode: region.callingCode, national: significant)
    }

    /// Assembles the number from its parts.
    private init(callingCode: Int, national: Substring) {
        self.countryCode = callingCode
        self.e164 = "+\(callingCode)\(national)"
    }

    /// The first candidate national significant number that is valid in one of `regions`.
    private static func firstValid(
        _ candidates: [Substring],
        in regions: [PhoneRegion]
    ) throws(NormalizationError) -> Substring {
        var firstProblem: String?
        for candidate in candidates {
            for region in regions {
                guard let problem = problem(with: candidate, in: region) else { return candidate }
                firstProblem = firstProblem ?? problem
            }
        }
        throw invalid(firstProblem ?? "invalid number")
    }

    /// What is wrong with `number` as a national significant number of `region`, nil when nothing is.
    private static func problem(with number: Substring, in region: PhoneRegion) -> String? {
        let lengths = region.lengths(for: number)
        if number.count < lengths.lowerBound { return "too few digits for \(region.code)" }
        if number.count > lengths.upperBound { return "too many digits for \(region.code)" }
        if let first = number.first, !region.leadingDigits.contains(first) {
            return "\(region.code) numbers cannot start with \(first)"
        }
        return nil
    }

    /// The digits after an international prefix used in `region`, nil when the number has none.
    private static func strippingInternationalPrefix(_ digits: String, in region: PhoneRegion) -> Substring? {
        // Longest first: Australia's "0011" must win over "00".
        let prefixes = (region.internationalPrefixes + ["00"]).sorted { $0.count > $1.count }
        return prefixes.first { digits.hasPrefix($0) }.map { digits.dropFirst($0.count) }
    }

    /// The digits of `raw` and whether it began with "+"; rejects anything that is not a digit or a separator.
    private static func scan(_ raw: String) throws(NormalizationError) -> (digits: String, hasPlus: Bool) {
        let text = TextNormalization.clean(raw)
        guard !text.isEmpty else { throw invalid("empty") }
        guard !text.contains(where: { $0.isLetter && !isSeparator($0) }) else { throw invalid("contains letters") }
        var digits = ""
        var hasPlus = false
        for character in text {
            if character.isASCII, character.isNumber {
                digits.append(character)
            } else if character == "+" {
                guard digits.isEmpty, !hasPlus else { throw invalid("misplaced '+'") }
                hasPlus = true
            } else if !isSeparator(character) {
                throw invalid("contains invalid character '\(character)'")
            }
        }
        guard !digits.isEmpty else { throw invalid("contains no digits") }
        return (digits, hasPlus)
    }

    /// Dash look-alikes that people and input methods put between digit groups; U+30FC and U+FF70 are the
    /// katakana long-vowel marks a Japanese IME types for "-".
    private static let dashes: Set<Character> = [
        "-", "\u{2010}", "\u{2011}", "\u{2012}", "\u{2013}", "\u{2014}", "\u{2015}", "\u{2212}", "\u{30FC}",
        "\u{FF70}",
    ]

    /// True for what may sit between digit groups: white space, dashes, dots, parentheses and slashes.
    private static func isSeparator(_ character: Character) -> Bool {
        character.isWhitespace || dashes.contains(character) || ".()/".contains(character)
    }

    /// An `invalid_phone` error with the given message.
    private static func invalid(_ message: String) -> NormalizationError {
        NormalizationError(code: "invalid_phone", message: message)
    }
}
