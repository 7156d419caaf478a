import FluentKit
import SQLKit

/// Crowds and their materialised membership.
///
/// `crowds` holds each crowd's rule in the rule language; built-in crowds have a `key` and are installed from code at
/// start-up. `crowd_members` is who is in each crowd now and since when, keyed by crowd and customer number (the
/// number index serves the refresh after one customer's write); `crowd_exits` keeps every membership that ended, so
/// "who was in this crowd on a past date" and the daily trend are queries on two tables instead of a replay of
/// events.
struct M0013_CreateCrowds: AsyncMigration {
    var name: String { "M0013_CreateCrowds" }

    func prepare(on database: any Database) async throws {
        try await database.schema("crowds")
            .id()
            .field("key", .string)
            .field("name", .string, .required)
            .field("description", .string, .required)
            .field("rule", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "key")
            .create()
        try await database.schema("crowd_members")
            .field("crowd_id", .uuid, .required, .references("crowds", "id"))
            .field("number", .int64, .required)
            .field("customer_id", .uuid, .required)
            .field("since", .datetime, .required)
            .compositeIdentifier(over: "crowd_id", "number")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "crowd_members_number").on("crowd_members").column("number").run()
        try await database.schema("crowd_exits")
            .field("crowd_id", .uuid, .required, .references("crowds", "id"))
            .field("number", .int64, .required)
            .field("since", .datetime, .required)
            .field("until", .datetime, .required)
            .create()
        try await sql.create(index: "crowd_exits_crowd_until").on("crowd_exits").column("crowd_id").column("until")
            .run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("crowd_exits").delete()
        try await database.schema("crowd_members").delete()
        try await database.schema("crowds").delete()
    }
}
