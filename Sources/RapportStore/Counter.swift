import FluentKit
import SQLKit

/// The named counters of the `counters` table.
enum Counter: String {
    /// Customer numbers (`C-000001`).
    case customerNumber = "customer_number"
    /// The global change-event sequence.
    case eventSeq = "event_seq"

    /// Reserves `count` consecutive values and returns the first. Must run inside the caller's transaction: the row
    /// stays locked until it commits (see `M0003_CreateCounters`).
    func reserve(_ count: Int64 = 1, on database: any Database) async throws -> Int64 {
        let row = try await (database as! any SQLDatabase).raw("""
            UPDATE counters SET value = value + \(bind: count) WHERE name = \(bind: rawValue) RETURNING value
            """).first()
        guard let last = try row?.decode(column: "value", as: Int64.self) else {
            throw StoreError.corrupt("counter \(rawValue) is missing; run `rapport migrate`")
        }
        return last - count + 1
    }
}
