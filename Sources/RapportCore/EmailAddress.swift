/// An e-mail address normalised for storage and matching.
public enum EmailAddress {
    /// Cleans (half-width, trim), lower-cases, and validates: exactly one "@", a non-empty local part of at most
    /// 64 bytes without spaces or control characters (dot-atom: no leading/trailing/double dot), a domain of at most
    /// 253 bytes with at least two labels, labels 1–63 of letters/digits/hyphen (not at either end), a TLD that is not
    /// all digits; total at most 254 bytes. Internationalised domains given in Unicode are accepted and kept as given
    /// (lower-cased) — do not implement punycode. Errors: code "invalid_email" with a message saying what is wrong
    /// (e.g. "missing '@'", "domain has no dot").
    public static func normalize(_ raw: String) throws(NormalizationError) -> String {
        let address = TextNormalization.clean(raw).lowercased()
        guard !address.isEmpty else { throw invalid("empty") }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count > 1 else { throw invalid("missing '@'") }
        guard parts.count == 2 else { throw invalid("more than one '@'") }
        try checkLocalPart(parts[0])
        try checkDomain(parts[1])
        // RFC 5321 caps the whole path, so two parts within their own limits can still be too long together.
        guard address.utf8.count <= 254 else { throw invalid("address is longer than 254 bytes") }
        return address
    }

    /// Characters RFC 5322 leaves out of a dot-atom; quoted local parts are not supported.
    private static let specials: Set<Unicode.Scalar> = ["(", ")", "<", ">", "[", "]", ":", ";", ",", "\\", "\""]

    /// Checks the part before the "@".
    private static func checkLocalPart(_ local: Substring) throws(NormalizationError) {
        guard !local.isEmpty else { throw invalid("missing local part before '@'") }
        guard local.utf8.count <= 64 else { throw invalid("local part is longer than 64 bytes") }
        guard !local.unicodeScalars.contains(where: isSpaceOrControl) else {
            throw invalid("local part contains spaces or control characters")
        }
        if let special = local.unicodeScalars.first(where: specials.contains) {
            throw invalid("local part contains '\(special)'")
        }
        guard local.first != ".", local.last != "." else { throw invalid("local part starts or ends with a dot") }
        guard !local.contains("..") else { throw invalid("local part has two dots in a row") }
    }

    /// Checks the part after the "@".
    private static func checkDomain(_ domain: Substring) throws(NormalizationError) {
        guard !domain.isEmpty else { throw invalid("missing domain after '@'") }
        guard domain.utf8.count <= 253 else { throw invalid("domain is longer than 253 bytes") }
        guard domain.contains(".") else { throw invalid("domain has no dot") }
        guard domain.first != ".", domain.last != "." else { throw invalid("domain starts or ends with a dot") }
        guard !domain.contains("..") else { throw invalid("domain has two dots in a row") }
        guard !domain.unicodeScalars.contains(where: isSpaceOrControl) else {
            throw invalid("domain contains spaces or control characters")
        }
        let labels = domain.split(separator: ".")
        for label in labels {
            guard label.utf8.count <= 63 else { throw invalid("domain label '\(label)' is longer than 63 bytes") }
            if let bad = label.unicodeScalars.first(where: { !isDomainScalar($0) }) {
                throw invalid("domain contains '\(bad)'")
            }
            guard label.first != "-", label.last != "-" else {
                throw invalid("domain label '\(label)' starts or ends with a hyphen")
            }
        }
        if let tld = labels.last, tld.allSatisfy({ $0.isASCII && $0.isNumber }) {
            throw invalid("top-level domain is all digits")
        }
    }

    /// True for white space and for control or invisible formatting characters.
    private static func isSpaceOrControl(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        return properties.isWhitespace || properties.generalCategory == .control
            || properties.generalCategory == .format
    }

    /// True for what a (lower-cased) domain label may hold: ASCII letters, digits and hyphen, and for Unicode
    /// domains letters, digits and combining marks, which many scripts need to spell a word.
    private static func isDomainScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "0"..."9", "-":
            return true
        default:
            guard !scalar.isASCII else { return false }
            let properties = scalar.properties
            switch properties.generalCategory {
            case .decimalNumber, .nonspacingMark, .spacingMark, .enclosingMark:
                return true
            default:
                return properties.isAlphabetic
            }
        }
    }

    /// An `invalid_email` error with the given message.
    private static func invalid(_ message: String) -> NormalizationError {
        NormalizationError(code: "invalid_email", message: message)
    }
}
