import Foundation

/// RFC 3339 time stamps in UTC with milliseconds (`2026-11-22T08:30:00.123Z`), as the API writes them.
///
/// Written by hand because the API writes several per customer on its hottest path, and Foundation's formatters
/// cost more there than the database read; also because they truncate, and a stored time may sit one
/// floating-point step below its millisecond.
public enum RFC3339 {
    /// The time rounded to the nearest millisecond.
    public static func format(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (daysSinceEpoch, millisecondOfDay) = CivilCalendar.floorDivision(milliseconds, 86_400_000)
        let (year, month, day) = CivilCalendar.date(ofDay: daysSinceEpoch)
        let secondOfDay = millisecondOfDay / 1000
        var utf8: [UInt8] = []
        utf8.reserveCapacity(24)
        append(year, digits: 4, to: &utf8)
        utf8.append(UInt8(ascii: "-"))
        append(month, digits: 2, to: &utf8)
        utf8.append(UInt8(ascii: "-"))
        append(day, digits: 2, to: &utf8)
        utf8.append(UInt8(ascii: "T"))
        append(secondOfDay / 3600, digits: 2, to: &utf8)
        utf8.append(UInt8(ascii: ":"))
        append(secondOfDay / 60 % 60, digits: 2, to: &utf8)
        utf8.append(UInt8(ascii: ":"))
        append(secondOfDay % 60, digits: 2, to: &utf8)
        utf8.append(UInt8(ascii: "."))
        append(millisecondOfDay % 1000, digits: 3, to: &utf8)
        utf8.append(UInt8(ascii: "Z"))
        return String(decoding: utf8, as: UTF8.self)
    }

    /// Parses an RFC 3339 time, with or without fractional seconds, with `Z` or a numeric offset; nil otherwise.
    public static func parse(_ text: String) -> Date? {
        let upper = text.uppercased()
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(upper) { return date }
        return try? Date.ISO8601FormatStyle().parse(upper)
    }

    private static func append(_ value: Int64, digits: Int, to utf8: inout [UInt8]) {
        var divisor: Int64 = 1
        for _ in 1..<digits { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            utf8.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
            rest %= divisor
            divisor /= 10
        }
    }
}
