/// Text clean-up applied to every free-text field on write.
public enum TextNormalization {
    /// Full-width ASCII variants (U+FF01…U+FF5E) become their half-width ASCII forms, the ideographic
    /// space U+3000 becomes a plain space. Nothing else changes (CJK ideographs, kana, etc. stay as they are).
    public static func halfWidth(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { halfWidth($0) != $0 }) else { return text }
        var folded = String.UnicodeScalarView()
        folded.append(contentsOf: text.unicodeScalars.lazy.map(halfWidth))
        return String(folded)
    }

    /// `halfWidth`, then surrounding white space (including U+3000, newlines, NBSP) trimmed.
    public static func clean(_ text: String) -> String {
        let folded = halfWidth(text)
        if endsWithoutSpace(folded) { return folded }
        // Trimming whole Characters (not scalars) so a combining mark is never split from its base.
        guard let first = folded.firstIndex(where: { !$0.isWhitespace }),
              let last = folded.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(folded[first...last])
    }

    /// The text without surrounding white space (as `Character.isWhitespace` has it: spaces, tabs, newlines, NBSP,
    /// U+3000), and the same string, uncopied, when it has none — the common case for the cells of an import.
    public static func trimmed(_ text: String) -> String {
        if endsWithoutSpace(text) { return text }
        guard let first = text.first, let last = text.last, first.isWhitespace || last.isWhitespace else { return text }
        guard let start = text.firstIndex(where: { !$0.isWhitespace }),
              let end = text.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(text[start...end])
    }

    /// Whether the text starts and ends with a visible ASCII character, so there is nothing to trim: a check of two
    /// bytes where finding the first and last Characters costs grapheme breaking.
    private static func endsWithoutSpace(_ text: String) -> Bool {
        guard let first = text.utf8.first, let last = text.utf8.last else { return false }
        return (0x21...0x7E).contains(first) && (0x21...0x7E).contains(last)
    }

    /// The half-width form of one scalar, or the scalar itself when it has none.
    private static func halfWidth(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0xFF01...0xFF5E:
            // The full-width block mirrors ASCII 0x21…0x7E at a fixed offset.
            Unicode.Scalar(UInt8(scalar.value - 0xFEE0))
        case 0x3000:
            " "
        default:
            scalar
        }
    }
}

/// Why a value was rejected; `code` is a stable snake_case string for API clients, `message` English prose.
public struct NormalizationError: Error, Equatable, Sendable {
    /// Stable machine-readable reason, e.g. `invalid_email`, `invalid_phone`.
    public let code: String
    /// Human-readable explanation of what is wrong with the value.
    public let message: String

    /// Creates a normalization error.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}
