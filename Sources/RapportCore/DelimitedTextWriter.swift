/// Writes CSV that `DelimitedTextReader`, Excel and other spreadsheets read back as it was written: RFC 4180 quoting,
/// records ending in CRLF, and a guard against formula injection.
///
/// **Formula injection.** A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage
/// return before one) as a formula, so a customer named `=HYPERLINK(…)` could act in the spreadsheet of whoever
/// opens an export. Such a cell is written with an apostrophe before it (`'=HYPERLINK(…)`), as OWASP advises; a
/// value that already starts with apostrophes and then one of those characters gets one more, so every value has
/// exactly one guarded form. `unguardingFormula(_:)` takes the apostrophe off again, and `CustomerImportRow` does so
/// for every cell: an export imported again gives back what was exported, `+8613800138000` included. The cost is
/// that a spreadsheet shows phone numbers and negative numbers with the apostrophe, as text; the alternative, cells
/// that spreadsheets evaluate, is worse for phone numbers too (`+8613800138000` would become `8.61E+12`).
public enum DelimitedTextWriter {
    /// The UTF-8 byte order mark. Excel reads a CSV file as UTF-8 only when it starts with one (otherwise it takes
    /// GBK on Chinese Windows); `DelimitedTextReader` skips it.
    public static let byteOrderMark = "\u{FEFF}"

    /// The end of each record, as RFC 4180 has it.
    public static let recordEnd = "\r\n"

    /// One field: guarded against formulas when `guardingFormulas`, then quoted, with quotes inside doubled, when it
    /// holds the delimiter, a quote or a line break, any of the other delimiters `DelimitedTextReader` recognises
    /// (comma, tab, semicolon, vertical bar, so a header line never looks delimited by them), or white space at
    /// either end (which the reader trims from unquoted values).
    public static func field(_ value: String, delimiter: Character = ",", guardingFormulas: Bool = true) -> String {
        let text = guardingFormulas ? guardingFormula(value) : value
        let scalars = text.unicodeScalars
        let needsQuotes = scalars.contains { specials.contains($0) || Character($0) == delimiter }
            || scalars.first?.properties.isWhitespace == true || scalars.last?.properties.isWhitespace == true
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One record: its fields, each written by `field(_:delimiter:guardingFormulas:)`, joined by the delimiter and
    /// followed by `recordEnd`.
    public static func record(_ fields: [String], delimiter: Character = ",", guardingFormulas: Bool = true) -> String {
        fields.map { field($0, delimiter: delimiter, guardingFormulas: guardingFormulas) }
            .joined(separator: String(delimiter)) + recordEnd
    }

    /// `value` with an apostrophe before it when, past any apostrophes it starts with, it starts with a character a
    /// spreadsheet takes as the start of a formula (`= + - @`, tab, carriage return); otherwise `value` itself.
    public static func guardingFormula(_ value: String) -> String {
        startsFormula(afterApostrophes: value) ? "'" + value : value
    }

    /// The inverse of `guardingFormula(_:)`: one apostrophe fewer when `value` starts with apostrophes and then a
    /// formula character; otherwise `value` itself. Text a spreadsheet user wrote as `'=1+1` to keep it from being a
    /// formula reads as `=1+1`, which is what they meant.
    public static func unguardingFormula(_ value: String) -> String {
        guard value.unicodeScalars.first == "'", startsFormula(afterApostrophes: value) else { return value }
        return String(value.unicodeScalars.dropFirst())
    }

    private static func startsFormula(afterApostrophes value: String) -> Bool {
        guard let first = value.unicodeScalars.first(where: { $0 != "'" }) else { return false }
        return formulaStarts.contains(first)
    }

    private static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]
    private static let specials: Set<Unicode.Scalar> = ["\"", "\r", "\n", ",", "\t", ";", "|"]
}
