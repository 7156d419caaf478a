/// Numbering facts for one region.
public struct PhoneRegion: Sendable {
    /// ISO 3166-1 alpha-2 code, e.g. "CN".
    public let code: String
    /// ITU country calling code, e.g. 86.
    public let callingCode: Int
    /// Digits dialled before a national number inside the region ("0" in CN), nil when there are none.
    public let trunkPrefix: String?
    /// Valid national significant number lengths, e.g. 7...11 for CN landline and mobile.
    public let nationalLengths: ClosedRange<Int>
    /// Digits a national significant number may begin with.
    let leadingDigits: String
    /// International prefixes dialled in this region besides "00", which is accepted everywhere.
    let internationalPrefixes: [String]
    /// Tighter lengths for national numbers that begin with one of these prefixes (longest prefix wins).
    let lengthsByPrefix: [String: ClosedRange<Int>]

    /// Creates a table entry.
    init(
        _ code: String,
        _ callingCode: Int,
        trunk: String?,
        lengths: ClosedRange<Int>,
        leadingDigits: String = "123456789",
        internationalPrefixes: [String] = [],
        lengthsByPrefix: [String: ClosedRange<Int>] = [:]
    ) {
        self.code = code
        self.callingCode = callingCode
        self.trunkPrefix = trunk
        self.nationalLengths = lengths
        self.leadingDigits = leadingDigits
        self.internationalPrefixes = internationalPrefixes
        self.lengthsByPrefix = lengthsByPrefix
    }

    /// The region for an ISO code (case-insensitive), nil when unknown.
    public static func named(_ code: String) -> PhoneRegion? {
        byCode[code.uppercased()]
    }

    /// Every region in the table.
    ///
    /// Lengths are the fixed-line and mobile national significant number lengths of Google's libphonenumber
    /// metadata (toll-free, premium and short codes left out), kept within E.164's 15 digits.
    public static let all: [PhoneRegion] = [
        // 13x–19x are mobile and always 11 digits; 10 is Beijing's area code, so "1" alone cannot be the rule.
        PhoneRegion("CN", 86, trunk: "0", lengths: 7...11,
                    lengthsByPrefix: Dictionary(uniqueKeysWithValues: (3...9).map { ("1\($0)", 11...11) })),
        PhoneRegion("HK", 852, trunk: nil, lengths: 8...8),
        PhoneRegion("MO", 853, trunk: nil, lengths: 8...8),
        PhoneRegion("TW", 886, trunk: "0", lengths: 8...9, internationalPrefixes: ["002"]),
        // NANP area codes and exchanges never start with 0 or 1.
        PhoneRegion("US", 1, trunk: "1", lengths: 10...10, leadingDigits: "23456789", internationalPrefixes: ["011"]),
        PhoneRegion("CA", 1, trunk: "1", lengths: 10...10, leadingDigits: "23456789", internationalPrefixes: ["011"]),
        PhoneRegion("GB", 44, trunk: "0", lengths: 9...10),
        PhoneRegion("DE", 49, trunk: "0", lengths: 6...13),
        PhoneRegion("FR", 33, trunk: "0", lengths: 9...9),
        PhoneRegion("JP", 81, trunk: "0", lengths: 9...10, internationalPrefixes: ["010"]),
        PhoneRegion("KR", 82, trunk: "0", lengths: 8...10),
        PhoneRegion("SG", 65, trunk: nil, lengths: 8...8),
        PhoneRegion("AU", 61, trunk: "0", lengths: 9...9, internationalPrefixes: ["0011"]),
        PhoneRegion("IN", 91, trunk: "0", lengths: 10...10),
        // Italian landlines keep their leading 0 in international form; Italy has no trunk prefix.
        PhoneRegion("IT", 39, trunk: nil, lengths: 6...11, leadingDigits: "0123456789"),
        PhoneRegion("ES", 34, trunk: nil, lengths: 9...9),
        PhoneRegion("NL", 31, trunk: "0", lengths: 9...9),
        PhoneRegion("RU", 7, trunk: "8", lengths: 10...10, internationalPrefixes: ["810"]),
        PhoneRegion("BR", 55, trunk: "0", lengths: 10...11),
        PhoneRegion("MY", 60, trunk: "0", lengths: 8...10),
        PhoneRegion("TH", 66, trunk: "0", lengths: 8...9),
        PhoneRegion("VN", 84, trunk: "0", lengths: 9...10),
        PhoneRegion("PH", 63, trunk: "0", lengths: 8...10),
        PhoneRegion("ID", 62, trunk: "0", lengths: 7...12),
        PhoneRegion("NZ", 64, trunk: "0", lengths: 8...10),
    ]

    /// `all`, keyed by ISO code.
    private static let byCode = Dictionary(uniqueKeysWithValues: all.map { ($0.code, $0) })

    /// The lengths a national significant number starting like `number` may have.
    func lengths(for number: Substring) -> ClosedRange<Int> {
        let matching = lengthsByPrefix.filter { number.hasPrefix($0.key) }
        return matching.max { $0.key.count < $1.key.count }?.value ?? nationalLengths
    }

    /// Every assigned ITU-T E.164 country calling code in service, geographic and global (800, 870, 882…).
    static let assignedCallingCodes: Set<Int> = [
        1, 7, 20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49,
        51, 52, 53, 54, 55, 56, 57, 58, 60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86,
        90, 91, 92, 93, 94, 95, 98,
        211, 212, 213, 216, 218,
        220, 221, 222, 223, 224, 225, 226, 227, 228, 229,
        230, 231, 232, 233, 234, 235, 236, 237, 238, 239,
        240, 241, 242, 243, 244, 245, 246, 247, 248, 249,
        250, 251, 252, 253, 254, 255, 256, 257, 258,
        260, 261, 262, 263, 264, 265, 266, 267, 268, 269,
        290, 291, 297, 298, 299,
        350, 351, 352, 353, 354, 355, 356, 357, 358, 359,
        370, 371, 372, 373, 374, 375, 376, 377, 378,
        380, 381, 382, 383, 385, 386, 387, 389,
        420, 421, 423,
        500, 501, 502, 503, 504, 505, 506, 507, 508, 509,
        590, 591, 592, 593, 594, 595, 596, 597, 598, 599,
        670, 672, 673, 674, 675, 676, 677, 678, 679,
        680, 681, 682, 683, 685, 686, 687, 688, 689,
        690, 691, 692,
        800, 808,
        850, 852, 853, 855, 856,
        870, 878, 880, 881, 882, 883, 886, 888,
        960, 961, 962, 963, 964, 965, 966, 967, 968,
        970, 971, 972, 973, 974, 975, 976, 977, 979,
        992, 993, 994, 995, 996, 998,
    ]

    /// The country calling code `digits` begin with (longest match), nil when none is assigned.
    static func callingCode(prefixing digits: Substring) -> Int? {
        // No calling code starts with 0, and Int("012") would otherwise quietly read as 12.
        guard digits.first != "0" else { return nil }
        for length in stride(from: 3, through: 1, by: -1) where digits.count >= length {
            if let code = Int(digits.prefix(length)), assignedCallingCodes.contains(code) {
                return code
            }
        }
        return nil
    }
}
