import FluentKit
import SQLKit

/// Imports run through the API (`POST /api/v1/imports`) as jobs: `imports` learns how many rows a file holds (an
/// estimate from its lines, for progress), who started it, and why it failed; `import_rows` keeps what each row that
/// needs a person's eye did — every row of a preview (a dry run), the rejected and flagged rows of a real run, and the
/// updates with their field-level changes — so the API can show the same report the CLI prints.
struct M0018_CreateImportJobs: AsyncMigration {
    var name: String { "M0018_CreateImportJobs" }

    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite alters a table a column at a time.
        try await database.schema("imports").field("total_rows", .int64).update()
        try await database.schema("imports").field("started_by", .uuid).update()
        try await database.schema("imports").field("error", .string).update()
        try await database.schema("import_rows")
            .field("import_id", .uuid, .required, .references("imports", "id"))
            .field("line", .int64, .required)
            .field("action", .string, .required)
            .field("number", .string)
            .field("detail", .string, .required)
            .field("raw", .string, .required)
            .create()
        try await (database as! any SQLDatabase).create(index: "import_rows_import").on("import_rows")
            .column("import_id").column("line").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("import_rows").delete()
        for column in ["total_rows", "started_by", "error"] {
            try await database.schema("imports").deleteField(.key(.init(stringLiteral: column))).update()
        }
    }
}
