import Foundation
import RapportCore

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
        CivilCalendar.floorDivision(seconds + chinaOffset, day).quotient
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

    /// The Gregorian date of a day number.
    static func civil(_ dayNumber: Int64) -> (year: Int, month: Int, day: Int) {
        let (year, month, day) = CivilCalendar.date(ofDay: dayNumber)
        return (Int(year), Int(month), Int(day))
    }

    /// The day number of a Gregorian date.
    static func dayNumber(year: Int, month: Int, day: Int) -> Int64 {
        CivilCalendar.dayNumber(year: Int64(year), month: Int64(month), day: Int64(day))
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
}
