import Testing
@testable import RapportCore

@Suite struct TextNormalizationTests {
    @Test("full-width letters and digits become half-width")
    func fullWidthAlphanumerics() {
        #expect(TextNormalization.halfWidth("ＡＢＣ１２３") == "ABC123")
    }

    @Test("both ends of the full-width block map to ASCII")
    func blockBoundaries() {
        #expect(TextNormalization.halfWidth("！～＠＋") == "!~@+")
    }

    @Test("ideographic space becomes a plain space without trimming")
    func ideographicSpace() {
        #expect(TextNormalization.halfWidth("王\u{3000}小明") == "王 小明")
        #expect(TextNormalization.halfWidth("\u{3000}a\u{3000}") == " a ")
    }

    @Test(
        "characters outside the full-width ASCII block are left alone",
        arguments: ["王小明", "ｱｲｳ", "カタカナ", "￦￥", "Ünïcödé", "", "plain ascii 123"]
    )
    func untouched(_ text: String) {
        #expect(TextNormalization.halfWidth(text) == text)
    }

    @Test("clean trims ideographic spaces around CJK text")
    func cleanIdeographicSpaces() {
        #expect(TextNormalization.clean("\u{3000}王小明\u{3000}") == "王小明")
    }

    @Test("clean leaves CJK text without surrounding space unchanged")
    func cleanUnchanged() {
        #expect(TextNormalization.clean("王小明") == "王小明")
    }

    @Test("clean trims spaces, tabs, newlines and NBSP but keeps inner spacing")
    func cleanTrims() {
        #expect(TextNormalization.clean(" \t\u{00A0}Alice  Wang\r\n\n") == "Alice  Wang")
    }

    @Test("clean folds full-width characters as well as trimming")
    func cleanFolds() {
        #expect(TextNormalization.clean("　ＡＢＣ　１２３　") == "ABC 123")
    }

    @Test("clean turns white space only into the empty string")
    func cleanBlank() {
        #expect(TextNormalization.clean(" \u{3000}\n\u{00A0}") == "")
        #expect(TextNormalization.clean("") == "")
    }

    @Test("normalization errors compare by code and message")
    func errorEquality() {
        let error = NormalizationError(code: "invalid_email", message: "missing '@'")
        #expect(error == NormalizationError(code: "invalid_email", message: "missing '@'"))
        #expect(error != NormalizationError(code: "invalid_phone", message: "missing '@'"))
    }
}
