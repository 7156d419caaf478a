import Foundation

/// Dates as each language writes them, on the calendar the lifecycle rules use (UTC, as `BusinessDay`).
enum WebFormat {
    static let englishMonths = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `2026年3月5日` or `5 Mar 2026`.
    static func day(_ instant: Date, in language: WebLanguage) -> String {
        let (year, month, day) = parts(of: instant)
        switch language {
        case .chinese: return "\(year)年\(month)月\(day)日"
        case .english: return "\(day) \(englishMonths[month - 1]) \(year)"
        }
    }

    /// A day and the time of day (UTC): `2026年3月5日 09:30` or `5 Mar 2026 09:30`.
    static func time(_ instant: Date, in language: WebLanguage) -> String {
        var calendar = utcCalendar
        calendar.locale = Locale(identifier: "en_US_POSIX")
        let clock = calendar.dateComponents([.hour, .minute], from: instant)
        let hhmm = String(format: "%02d:%02d", clock.hour ?? 0, clock.minute ?? 0)
        return "\(day(instant, in: language)) \(hhmm)"
    }

    /// A month on a chart's axis: `3月` or `Mar`; January also names its year (`2026年1月`, `Jan 2026`).
    static func month(_ instant: Date, in language: WebLanguage) -> String {
        let (year, month, _) = parts(of: instant)
        switch language {
        case .chinese: return month == 1 ? "\(year)年1月" : "\(month)月"
        case .english: return month == 1 ? "Jan \(year)" : englishMonths[month - 1]
        }
    }

    /// The `yyyy-MM-dd` of a date input.
    static func inputDay(_ instant: Date) -> String {
        let (year, month, day) = parts(of: instant)
        return String(format: "%04d-%02d-%02d", year, month, day)
    }

    private static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    private static func parts(of instant: Date) -> (Int, Int, Int) {
        let parts = utcCalendar.dateComponents([.year, .month, .day], from: instant)
        return (parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
}
