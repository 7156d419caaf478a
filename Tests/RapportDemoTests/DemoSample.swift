import Foundation
import RapportDemo

/// The business the invariant and lifecycle suites examine: 2,000 customers over two years ending now, generated
/// once because every suite only reads it.
enum DemoSample {
    static let end = Date()
    static let customers = Array(DemoBusiness(seed: 2026, customers: 2_000, years: 2, end: end))

    /// The day number the lifecycle rules use: whole UTC days since 1970.
    static func day(_ date: Date) -> Int {
        Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }
}
