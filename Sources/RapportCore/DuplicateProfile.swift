/// The parts of a customer that duplicate detection compares, normalised once so that blocking and scoring many
/// pairs do no string work beyond comparing arrays of scalars.
///
/// Names and addresses are folded to half-width and lower case, and lose white space and punctuation; names are
/// split into tokens — runs of letters and digits, and every CJK ideograph on its own, since Chinese names are
/// written without spaces. E-mail addresses are compared in a canonical form (see `canonicalEmail(_:)`).
public struct DuplicateProfile: Sendable {
    /// Person or organisation.
    public let kind: CustomerKind
    /// The name's tokens concatenated in their order: `zhangwei`, `张伟`.
    let name: [UInt32]
    /// The name's tokens sorted and concatenated, so that swapped given and family names compare equal.
    let sortedName: [UInt32]
    /// The sorted tokens joined by spaces: the name part of blocking keys (`wei zhang`, `伟 张`).
    let nameKey: String
    /// The first three letters of each token of a name made of two or more tokens and no ideographs, sorted and
    /// joined by spaces (`kev zha`); nil for other names. A typo after the third letter of a token leaves it
    /// unchanged.
    let latinPrefixKey: String?
    /// The name's first token in the order written: a Chinese surname's first character, a Latin given name.
    let firstToken: String?
    /// Canonical e-mail addresses.
    let emails: [String]
    /// E.164 phone numbers.
    let phones: [String]
    /// `network:handle`, lower-case.
    let social: [String]
    /// The addresses that have a city or a street.
    let addresses: [Address]
    /// The birthday, when known.
    let birthday: CalendarDate?

    /// A postal address as compared.
    struct Address: Sendable {
        /// Half-width, lower case, without a trailing `市` or ` city`: `杭州`.
        let city: String?
        /// The street line's letters, ideographs and digits, in order.
        let street: [UInt32]
        /// The street line's runs of digits, joined by `-`: `188-3-2-1202`. House, building and flat numbers
        /// survive abbreviation (`3栋2单元1202室` → `3-2-1202`) and are what tells neighbours apart.
        let numbers: String
    }

    /// Reduces fields to their comparable form.
    public init(_ fields: CustomerFields) {
        kind = fields.kind
        let tokens = Self.nameTokens(fields.name)
        name = Array(tokens.joined())
        let sorted = tokens.sorted { $0.lexicographicallyPrecedes($1) }
        sortedName = Array(sorted.joined())
        nameKey = sorted.map(Self.string).joined(separator: " ")
        let latin = tokens.filter { !Self.isIdeograph($0[0]) }
        latinPrefixKey = latin.count >= 2 && latin.count == tokens.count
            ? latin.map { Self.string(Array($0.prefix(3))) }.sorted().joined(separator: " ") : nil
        firstToken = tokens.first.map(Self.string)
        emails = fields.emails.map { Self.canonicalEmail($0.address) }
        phones = fields.phones.map { Self.phoneDigits($0.number) }.filter { $0.utf8.count > 1 }
        social = fields.social.map {
            $0.network.lowercased() + ":" + TextNormalization.halfWidth($0.handle).lowercased()
        }
        addresses = fields.addresses.compactMap(Self.address)
        birthday = fields.birthday
    }

    /// The form in which two e-mail addresses that reach the same mailbox compare equal: half-width and lower case,
    /// without a `+tag` after the local part (plus addressing, which Gmail, Outlook, iCloud and most hosts deliver
    /// to the untagged mailbox), and for Gmail without dots in the local part, which Gmail ignores. Other hosts'
    /// dots are kept: at 163.com `zhang.wei` and `zhangwei` are different people.
    public static func canonicalEmail(_ address: String) -> String {
        let folded = TextNormalization.halfWidth(address).lowercased()
        guard let at = folded.lastIndex(of: "@") else { return folded }
        var local = folded[..<at]
        var domain = folded[folded.index(after: at)...]
        if let plus = local.firstIndex(of: "+"), plus != local.startIndex {
            local = local[..<plus]
        }
        if domain == "gmail.com" || domain == "googlemail.com" {
            domain = "gmail.com"
            return local.filter { $0 != "." } + "@" + domain
        }
        return local + "@" + domain
    }

    /// `+` and the digits of a stored number; stored numbers are E.164 already, so this only guards against stray
    /// separators or full-width digits in data that bypassed the parser.
    private static func phoneDigits(_ number: String) -> String {
        let folded = TextNormalization.halfWidth(number)
        var result = folded.hasPrefix("+") ? "+" : ""
        result.unicodeScalars.append(contentsOf: folded.unicodeScalars.filter { $0 >= "0" && $0 <= "9" })
        return result
    }

    /// The tokens of a name: runs of letters and digits, and single ideographs, half-width and lower case.
    static func nameTokens(_ name: String) -> [[UInt32]] {
        var tokens: [[UInt32]] = []
        var current: [UInt32] = []
        for scalar in TextNormalization.halfWidth(name).lowercased().unicodeScalars {
            if isIdeograph(scalar.value) {
                if !current.isEmpty { tokens.append(current); current = [] }
                tokens.append([scalar.value])
            } else if isWordScalar(scalar) {
                current.append(scalar.value)
            } else if !current.isEmpty {
                tokens.append(current)
                current = []
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    /// The comparable form of an address, nil when it has neither a city nor a street.
    private static func address(_ address: PostalAddress) -> Address? {
        let city = address.city.map(normalizedCity).flatMap { $0.isEmpty ? nil : $0 }
        let folded = address.street.map { TextNormalization.halfWidth($0).lowercased() } ?? ""
        var street: [UInt32] = []
        var runs: [String] = []
        var run = ""
        for scalar in folded.unicodeScalars {
            if scalar >= "0" && scalar <= "9" {
                run.unicodeScalars.append(scalar)
            } else if !run.isEmpty {
                runs.append(run)
                run = ""
            }
            if isIdeograph(scalar.value) || isWordScalar(scalar) { street.append(scalar.value) }
        }
        if !run.isEmpty { runs.append(run) }
        guard city != nil || !street.isEmpty else { return nil }
        return Address(city: city, street: street, numbers: runs.joined(separator: "-"))
    }

    /// A city name without white space, punctuation, or the `市` / `city` that is often left out.
    static func normalizedCity(_ city: String) -> String {
        var scalars = TextNormalization.halfWidth(city).lowercased().unicodeScalars
            .filter { isIdeograph($0.value) || isWordScalar($0) }
        if scalars.count > 2, scalars.last == "市" { scalars.removeLast() }
        if scalars.count > 4, scalars.suffix(4).elementsEqual("city".unicodeScalars) { scalars.removeLast(4) }
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars)
        return text
    }

    /// CJK unified ideographs with extensions A to H and the compatibility block: the characters of Chinese names.
    static func isIdeograph(_ value: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(value) || (0x3400...0x4DBF).contains(value) || (0xF900...0xFAFF).contains(value)
            || (0x20000...0x3134F).contains(value)
    }

    /// Letters, digits and combining marks: what stays in a token.
    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            return (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9")
                || (scalar >= "A" && scalar <= "Z")
        }
        let properties = scalar.properties
        switch properties.generalCategory {
        case .decimalNumber, .nonspacingMark, .spacingMark: return true
        default: return properties.isAlphabetic
        }
    }

    /// The text of scalar values.
    static func string(_ values: [UInt32]) -> String {
        var text = ""
        text.unicodeScalars.append(contentsOf: values.compactMap(Unicode.Scalar.init))
        return text
    }
}
