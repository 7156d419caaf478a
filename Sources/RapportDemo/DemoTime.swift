import Foundation

/// Times of the demo history as whole seconds since 1970, with the calendar arithmetic done by hand: Foundation's
/// `Calendar` and formatters cost far more than generating a customer.
enum DemoTime {
    static let day: Int64 = 86_400
    static let hour: Int64 = 3_600
    /// China Standard Time, UTC+8 all year: the shop opens and customers sleep by this clock.
    static let chinaOffset: Int64 = 8 * 3_600

    static func date(_ seconds: Int64) -> Date {
        Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Whole seconds, rounded down, so a generated time never passes the instant it was bounded by.
    static func seconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }

    /// The day number in China (days since 1970-01-01 there) of an instant.
    static func localDay(_ seconds: Int64) -> Int64 {
        floorDivision(seconds + chinaOffset, day)
    }

    /// The instant a Chinese day begins.
    static func localMidnight(_ localDay: Int64) -> Int64 {
        localDay * day - chinaOffset
    }

    /// A time on the same Chinese day as `seconds` when people shop or answer messages: 09:00–22:00, busiest at
    /// lunch time and in the evening.
    static func waking(_ seconds: Int64, _ random: inout SeededRandom) -> Int64 {
        let hour = hourTable.pick(&random)
        return localMidnight(localDay(seconds)) + hour * Self.hour + Int64(random.index(3_600))
    }

    /// A time in office hours (09:00–18:00) on the same Chinese day: calls, visits and e-mails from staff.
    static func office(_ seconds: Int64, _ random: inout SeededRandom) -> Int64 {
        localMidnight(localDay(seconds)) + 9 * hour + Int64(random.index(9 * 3_600))
    }

    private static let hourTable = WeightedTable<Int64>([
        (9, 4), (10, 7), (11, 9), (12, 10), (13, 8), (14, 7), (15, 7), (16, 7), (17, 7), (18, 7), (19, 9),
        (20, 11), (21, 9),
    ])

    /// The Gregorian date of a day number, by Howard Hinnant's `civil_from_days`.
    static func civil(_ dayNumber: Int64) -> (year: Int, month: Int, day: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let dayOfMonth = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (Int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0)), Int(month), Int(dayOfMonth))
    }

    /// The day number of a Gregorian date, by Howard Hinnant's `days_from_civil`.
    static func dayNumber(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = Int64(month > 2 ? month - 3 : month + 9)
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// `YYYYMMDD` of a Chinese day, as order numbers begin.
    static func compactDate(_ localDay: Int64) -> String {
        let (year, month, day) = civil(localDay)
        return padded(year, 4) + padded(month, 2) + padded(day, 2)
    }

    /// A non-negative number with leading zeros up to `width` digits.
    static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        guard digits.utf8.count < width else { return digits }
        return String(repeating: "0", count: width - digits.utf8.count) + digits
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> Int64 {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? quotient - 1 : quotient
    }
}
