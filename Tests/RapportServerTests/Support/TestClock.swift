import Foundation
import RapportCore
import Synchronization

/// A clock the test moves by hand; like every `RapportClock`, it tells time to the millisecond.
final class TestClock: RapportClock {
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_790_000_000)) {
        current = Mutex(start)
    }

    func now() -> Date {
        current.withLock { $0 }
    }

    func advance(by seconds: TimeInterval) {
        current.withLock { now in
            let milliseconds = ((now.timeIntervalSince1970 + seconds) * 1000).rounded(.down)
            now = Date(timeIntervalSince1970: milliseconds / 1000)
        }
    }
}

/// RFC 3339 with milliseconds, rounded (Foundation's formatter truncates, which can print the millisecond before).
func rfc3339(_ date: Date) -> String {
    let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
    let whole = Date(timeIntervalSince1970: (milliseconds / 1000).rounded(.down))
    let fraction = Int(milliseconds) % 1000
    return String(whole.formatted(.iso8601).dropLast()) + String(format: ".%03dZ", fraction)
}
