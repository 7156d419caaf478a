import FluentKit
import SQLKit

/// The duplicate review queue and the merges made from it.
///
/// - `duplicate_candidates`: a pair of customers a scan found alike (`first_id` the lower number), its score and the
///   evidence; `open` until merged or dismissed. One row per pair, so a scan run again updates rather than repeats.
/// - `merges`: who merged which record into which, and what undoing it needs: the events it appended (`seq` after
///   `before_seq` up to `after_seq`) and the transactions, interactions and activity events it moved.
/// - `merge_<table>`: the rows of both customers in `customers`, `customer_stats`, `customer_external_ids`,
///   `customer_contacts`, `crowd_members` and `crowd_exits` as they were before the merge, tagged with the merge, so
///   an undo puts back exactly what was there. Made with `CREATE TABLE … AS SELECT`, they have their table's columns.
struct M0016_CreateDuplicates: AsyncMigration {
    var name: String { "M0016_CreateDuplicates" }

    static let snapshotTables = [
        "customers", "customer_stats", "customer_external_ids", "customer_contacts", "crowd_members", "crowd_exits",
    ]

    func prepare(on database: any Database) async throws {
        try await database.schema("duplicate_candidates")
            .id()
            .field("first_id", .uuid, .required, .references("customers", "id"))
            .field("second_id", .uuid, .required, .references("customers", "id"))
            .field("score", .double, .required)
            .field("reasons", .string, .required)
            .field("status", .string, .required)
            .field("found_at", .datetime, .required)
            .field("decided_at", .datetime)
            .field("decided_by_kind", .string)
            .field("decided_by_id", .uuid)
            .field("merge_id", .uuid)
            .unique(on: "first_id", "second_id")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "duplicate_candidates_queue").on("duplicate_candidates")
            .column("status").column("score").column("id").run()
        try await database.schema("merges")
            .id()
            .field("candidate_id", .uuid)
            .field("survivor_id", .uuid, .required, .references("customers", "id"))
            .field("merged_id", .uuid, .required, .references("customers", "id"))
            .field("status", .string, .required)
            .field("merged_at", .datetime, .required)
            .field("actor_kind", .string, .required)
            .field("actor_id", .uuid)
            .field("before_seq", .int64, .required)
            .field("after_seq", .int64, .required)
            .field("moved", .string, .required)
            .field("undone_at", .datetime)
            .field("undone_by_kind", .string)
            .field("undone_by_id", .uuid)
            .create()
        for table in Self.snapshotTables {
            try await sql.raw("CREATE TABLE \(ident: "merge_" + table) AS SELECT * FROM \(ident: table) WHERE 1 = 0")
                .run()
            try await sql.raw("ALTER TABLE \(ident: "merge_" + table) ADD COLUMN merge_id \(unsafeRaw: sql.dialect.name == "postgresql" ? "UUID" : "TEXT")")
                .run()
            try await sql.create(index: "merge_\(table)_merge").on("merge_" + table).column("merge_id").run()
        }
    }

    func revert(on database: any Database) async throws {
        for table in Self.snapshotTables { try await database.schema("merge_" + table).delete() }
        try await database.schema("merges").delete()
        try await database.schema("duplicate_candidates").delete()
    }
}
