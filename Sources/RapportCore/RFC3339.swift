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
        let (daysSinceEpoch, millisecondOfDay) = floorDivision(milliseconds, 86_400_000)
        let (year, month, day) = civilDate(daysSinceEpoch: daysSinceEpoch)
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

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }

    /// Howard Hinnant's `civil_from_days`: the proleptic Gregorian date of a day count from 1970-01-01.
    private static func civilDate(daysSinceEpoch: Int64) -> (Int64, Int64, Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
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
