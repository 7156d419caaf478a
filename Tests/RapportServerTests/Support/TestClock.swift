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

