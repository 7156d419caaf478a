import Foundation

/// Whole days as the lifecycle rules count them: day numbers since 1970-01-01, in UTC.
public enum BusinessDay {
    /// The day an instant falls on.
    public static func number(of instant: Date) -> Int {
        Int((instant.timeIntervalSince1970 / 86_400).rounded(.down))
    }

    /// The first instant of a day.
    public static func start(of day: Int) -> Date {
        Date(timeIntervalSince1970: Double(day) * 86_400)
    }
}
