import FluentKit

/// One row per import run: which file (a digest of its bytes and of the mapping), from which source, how far it got
/// and what it did. A batch's rows and the import's progress are written in one transaction, so an import killed at
/// any point resumes after the last batch it committed, and a file imported to the end is not imported twice.
struct M0015_CreateImports: AsyncMigration {
    var name: String { "M0015_CreateImports" }

    func prepare(on database: any Database) async throws {
        try await database.schema("imports")
            .id()
            .field("kind", .string, .required)
            .field("source", .string, .required)
            .field("file_name", .string, .required)
            .field("digest", .string, .required)
            .field("status", .string, .required)
            .field("last_line", .int64, .required)
            .field("created", .int64, .required)
            .field("updated", .int64, .required)
            .field("unchanged", .int64, .required)
            .field("rejected", .int64, .required)
            .field("flagged", .int64, .required)
            .field("started_at", .datetime, .required)
            .field("finished_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("imports").delete()
    }
}
