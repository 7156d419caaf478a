import FluentKit
import Foundation
import RapportCore
import SQLKit
import SQLiteNIO

/// A value of a row written in bulk, stored as Fluent stores it on each database: on SQLite UUIDs as upper-case
/// text, times as seconds since 1970 and booleans as integers; on PostgreSQL as their own types.
enum BulkValue: Sendable {
    case integer(Int64)
    case text(String)
    case uuid(UUID)
    case date(Date)
    case bool(Bool)
    case null

    init(_ text: String?) { self = text.map(BulkValue.text) ?? .null }
    init(_ uuid: UUID?) { self = uuid.map(BulkValue.uuid) ?? .null }
    init(_ date: Date?) { self = date.map(BulkValue.date) ?? .null }
    init(_ integer: Int64?) { self = integer.map(BulkValue.integer) ?? .null }

    fileprivate var sqlite: SQLiteData {
        switch self {
        case .integer(let value): .integer(Int(value))
        case .text(let value): .text(value)
        case .uuid(let value): .text(UUIDText.format(value, uppercase: true))
        case .date(let value): .float(value.timeIntervalSince1970)
        case .bool(let value): .integer(value ? 1 : 0)
        case .null: .null
        }
    }

    fileprivate var bind: any SQLExpression {
        switch self {
        case .integer(let value): SQLBind(value)
        case .text(let value): SQLBind(value)
        case .uuid(let value): SQLBind(value)
        case .date(let value): SQLBind(value)
        case .bool(let value): SQLBind(value)
        case .null: SQLLiteral.null
        }
    }
}

/// Multi-row inserts for bulk paths (imports, the demo, recomputes, the event log). On SQLite the values are bound
/// with sqlite-nio's own types: SQLKit's Encodable binds cost several times SQLite's own work there.
enum BulkInsert {
    /// Inserts `rows` (each in `columns` order) in statements of up to 1,000 rows (fewer on PostgreSQL, whose
    /// statements take at most 65,535 parameters).
    static func insert(into table: String, columns: [String], rows: [[BulkValue]], on database: any Database)
        async throws
    {
        guard !rows.isEmpty else { return }
        if let sqlite = database as? any SQLiteDatabase {
            try await SQLiteBulkInsert.insert(into: table, columns: columns, rows: rows.map { $0.map(\.sqlite) },
                                              on: sqlite)
            return
        }
        let sql = database as! any SQLDatabase
        for chunk in rows.chunked(into: min(1000, 60_000 / columns.count)) {
            let insert = sql.insert(into: table).columns(columns)
            for row in chunk { insert.values(row.map(\.bind)) }
            try await insert.run()
        }
    }
}
