import RapportTestSupport
import Testing
@testable import RapportCore

/// The import's cell helpers skip grapheme breaking when bytes already decide the answer; on random text they must
/// answer exactly what the plain Character-based definitions answer.
@Suite struct TextFastPathTests {
    /// Scalars that make the shortcuts matter: ASCII letters and spaces, separators and their full-width forms,
    /// 、, U+3000, NBSP, a combining accent (which joins the scalar before it into one Character), CR LF, CJK, and
    /// the C1 control U+0085.
    static let alphabet: [String] = [
        "a", "Z", "7", " ", "\t", "\r\n", "\n", ",", ";", "/", "|", "、", "，", "；", "／", "｜", "\u{3000}", "\u{A0}",
        "\u{301}", "王", "ｱ", "@", ".", "\u{85}", "\u{7F}",
    ]

    static func randomTexts(count: Int, seed: UInt64) -> [String] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            (0..<Int.random(in: 0...6, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
                .joined()
        }
    }

    static func referenceTrimmed(_ text: String) -> String {
        guard let start = text.firstIndex(where: { !$0.isWhitespace }),
              let end = text.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(text[start...end])
    }

    @Test("trimmed and clean equal trimming whole Characters")
    func trimming() {
        for text in Self.randomTexts(count: 20_000, seed: 1) {
            #expect(TextNormalization.trimmed(text) == Self.referenceTrimmed(text), "\(text.unicodeScalars.map(\.value))")
            #expect(TextNormalization.clean(text) == Self.referenceTrimmed(TextNormalization.halfWidth(text)))
        }
    }

    @Test("split equals splitting whole Characters at the separators")
    func splitting() {
        for text in Self.randomTexts(count: 20_000, seed: 2) {
            let reference = TextNormalization.halfWidth(text).split { ",;/|、".contains($0) }
                .map { Self.referenceTrimmed(String($0)) }.filter { !$0.isEmpty }
            #expect(ImportCells.split(text) == reference, "\(text.unicodeScalars.map(\.value))")
        }
    }

    @Test("text refuses exactly the control characters of general category Cc other than a newline")
    func controls() {
        for text in Self.randomTexts(count: 5_000, seed: 3) {
            var reader = DocumentReader()
            let read = reader.text(.string(text), at: "name")
            let cleaned = TextNormalization.clean(text)
            let control = cleaned.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\n" }
            #expect(control == !reader.errors.isEmpty, "\(text.unicodeScalars.map(\.value))")
            if !control { #expect(read == (cleaned.isEmpty ? nil : cleaned)) }
        }
    }
}
