import SQLiteNIO

/// Multi-row inserts bound with sqlite-nio's own values: for bulk paths (a recompute's values and events), where
/// SQLKit's Encodable binds cost several times SQLite's own work. Values must be stored as Fluent stores them (UUIDs
/// as upper-case text, times as seconds since 1970).
enum SQLiteBulkInsert {
    /// Inserts `rows` (each in `columns` order), `rowsPerStatement` at a time; `suffix` follows each statement's
    /// values (an `ON CONFLICT` clause).
    static func insert(
        into table: String, columns: [String], rows: [[SQLiteData]], suffix: String = "", rowsPerStatement: Int = 1000,
        on sqlite: any SQLiteDatabase
    ) async throws {
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        for chunk in rows.chunked(into: rowsPerStatement) {
            let statement = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
                + Array(repeating: tuple, count: chunk.count).joined(separator: ", ") + suffix
            _ = try await sqlite.query(statement, Array(chunk.joined()))
        }
    }
}
