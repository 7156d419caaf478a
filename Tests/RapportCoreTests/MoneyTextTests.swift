import Testing
@testable import RapportCore

@Suite struct MoneyTextTests {
    @Test("exact amounts keep the minor unit, group thousands and put the sign first", arguments: [
        (Int64(123_450), "CNY", "¥1,234.50"), (0, "CNY", "¥0.00"), (5, "CNY", "¥0.05"), (-123_456_789, "CNY", "-¥1,234,567.89"),
        (1_234_567, "JPY", "¥1,234,567"), (1_234_567, "KWD", "KWD 1,234.567"), (100_000_000, "USD", "$1,000,000.00"),
    ])
    func exact(minor: Int64, currency: String, expected: String) {
        #expect(MoneyText.exact(minor: minor, currency: currency) == expected)
    }

    @Test("whole amounts round half away from zero", arguments: [
        (Int64(124_049), "CNY", "¥1,240"), (124_050, "CNY", "¥1,241"), (-124_050, "CNY", "-¥1,241"),
    ])
    func whole(minor: Int64, currency: String, expected: String) {
        #expect(MoneyText.whole(minor: minor, currency: currency) == expected)
    }
}
