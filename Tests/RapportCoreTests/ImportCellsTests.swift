import Foundation
import Testing
@testable import RapportCore

@Suite("Reading spreadsheet cells: money, times, durations, counts")
struct ImportCellsTests {
    let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    @Test("amounts with symbols, codes, separators and signs", arguments: [
        ("1234.5", 123_450, nil), ("¥1,234.50", 123_450, "CNY"), ("￥1,234.50", 123_450, "CNY"),
        ("RMB 1,234.50", 123_450, "CNY"), ("1 234.50 元", 123_450, "CNY"), ("CNY1234.5", 123_450, "CNY"),
        ("1234.50 CNY", 123_450, "CNY"), ("人民币12", 1_200, "CNY"), ("-12", -1_200, nil), ("¥-12.00", -1_200, "CNY"),
        ("-¥12", -1_200, "CNY"), ("(12.00)", -1_200, nil), ("USD 12", 1_200, "USD"), ("$1,000", 100_000, "USD"),
        ("HK$5", 500, "HKD"), ("12美元", 1_200, "USD"), ("12.300", 1_230, nil), ("０.５", 50, nil),
        ("1,234,567.89", 123_456_789, nil),
    ] as [(String, Int64, String?)])
    func amounts(text: String, minor: Int64, currency: String?) throws {
        let money = try ImportCells.money(text, baseCurrency: "CNY")
        #expect(money.minor == minor)
        #expect(money.currency == currency)
    }

    @Test("amounts that are not amounts are refused with a reason", arguments: [
        ("1.234,50", "decimal point"), ("1,23", "groups of three"), ("12.345", "more decimals"),
        ("abc", "not an amount"),
        ("1e5", "not an amount"), ("12..3", "not an amount"), ("", "not an amount"), ("¥", "not an amount"),
        ("99999999999999999", "more than can be stored"),
    ])
    func badAmounts(text: String, reason: String) {
        #expect {
            try ImportCells.money(text, baseCurrency: "CNY")
        } throws: { error in
            (error as? ImportCells.Problem)?.message.contains(reason) == true
        }
    }

    @Test("yen has no minor unit when it is the base currency")
    func yen() throws {
        let yen = try ImportCells.money("¥1,234", baseCurrency: "JPY")
        #expect(yen == ImportCells.Money(minor: 1_234, currency: "JPY"))
        #expect(throws: ImportCells.Problem.self) { try ImportCells.money("¥12.5", baseCurrency: "JPY") }
    }

    @Test("days and times in the file's zone, or with their own offset", arguments: [
        ("2026-01-31 14:05", "2026-01-31T06:05:00.000Z"), ("2026/1/31 14:05:09", "2026-01-31T06:05:09.000Z"),
        ("2026年1月31日 14时05分", "2026-01-31T06:05:00.000Z"), ("2026年1月31日14:05", "2026-01-31T06:05:00.000Z"),
        ("2026.1.31 9:05:09.250", "2026-01-31T01:05:09.250Z"), ("20260131", "2026-01-30T16:00:00.000Z"),
        ("2026-01-31", "2026-01-30T16:00:00.000Z"), ("2026-01-31T14:05:00+09:00", "2026-01-31T05:05:00.000Z"),
        ("2026-01-31T14:05:00Z", "2026-01-31T14:05:00.000Z"), ("46053", "2026-01-30T16:00:00.000Z"),
        ("46053.5", "2026-01-31T04:00:00.000Z"), ("２０２６－０１－３１　１４：０５", "2026-01-31T06:05:00.000Z"),
    ])
    func instants(text: String, expected: String) {
        #expect(ImportCells.instant(text, in: shanghai).map(RFC3339.format) == expected)
    }

    @Test("what is not a day or time is refused", arguments: [
        "2026-02-30 10:00", "31/01/2026", "1/31/2026 2:05 PM", "2026-01-31 25:00", "2026-01-31 14:5", "yesterday",
        "2026-01-31 14:05:9", "1899-01-01", "",
    ])
    func badInstants(text: String) {
        #expect(ImportCells.instant(text, in: shanghai) == nil)
    }

    @Test("the same wall-clock time is another instant in another zone")
    func zones() {
        let utc = ImportCells.instant("2026-07-01 12:00", in: TimeZone(identifier: "UTC")!)
        let newYork = ImportCells.instant("2026-07-01 12:00", in: TimeZone(identifier: "America/New_York")!)
        #expect(utc.map(RFC3339.format) == "2026-07-01T12:00:00.000Z")
        #expect(newYork.map(RFC3339.format) == "2026-07-01T16:00:00.000Z")
    }

    @Test("durations as seconds, clock times and words", arguments: [
        ("330", 330), ("330.0", 330), ("05:30", 330), ("1:05:30", 3_930), ("5分30秒", 330), ("5分钟", 300),
        ("1小时5分", 3_900), ("5m30s", 330), ("2 min", 120), ("90s", 90), ("1h", 3_600), ("３０秒", 30),
    ] as [(String, Int64)])
    func durations(text: String, seconds: Int64) {
        #expect(ImportCells.seconds(text) == seconds)
    }

    @Test("what is not a duration is refused", arguments: ["5:3", "abc", "30秒5分", "-5", "5:60", "", "5分x"])
    func badDurations(text: String) {
        #expect(ImportCells.seconds(text) == nil)
    }

    @Test("whole numbers as spreadsheets write them", arguments: [
        ("2", 2), ("2.0", 2), ("1,200", 1_200), ("3件", 3), ("12 pcs", 12),
    ] as [(String, Int64)])
    func wholeNumbers(text: String, value: Int64) {
        #expect(ImportCells.wholeNumber(text) == value)
    }

    @Test("fractions and words are not whole numbers", arguments: ["2.5", "x", "1,20", "", "-"])
    func badWholeNumbers(text: String) {
        #expect(ImportCells.wholeNumber(text) == nil)
    }
}
