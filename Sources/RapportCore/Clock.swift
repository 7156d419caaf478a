import Foundation

/// The source of "now" for everything that stamps or compares times; injected so tests can fix and advance it.
public protocol RapportClock: Sendable {
    /// The current instant, truncated to whole milliseconds so that what is stored equals what the API shows.
    func now() -> Date
}

/// The wall clock.
public struct SystemClock: RapportClock {
    /// Creates the wall clock.
    public init() {}

    /// The current instant to the millisecond.
    public func now() -> Date {
        Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }
}
