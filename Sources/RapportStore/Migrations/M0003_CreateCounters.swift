import FluentKit
import SQLKit

/// Named counters for customer numbers and the event sequence.
///
/// Taking the next value is an `UPDATE … RETURNING` of one row, which holds that row's lock until the transaction
/// commits: numbers are never handed out twice, and event sequence numbers become visible in the order they were
/// taken, so a change-feed reader that resumes after `seq` never skips an event committed late.
struct M0003_CreateCounters: AsyncMigration {
    var name: String { "M0003_CreateCounters" }

    func prepare(on database: any Database) async throws {
        try await database.schema("counters")
            .field("name", .string, .identifier(auto: false))
            .field("value", .int64, .required)
            .create()
        let sql = database as! any SQLDatabase
        for counter in [Counter.customerNumber, Counter.eventSeq] {
            try await sql.insert(into: "counters").columns("name", "value").values(counter.rawValue, 0 as Int64).run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("counters").delete()
    }
}
