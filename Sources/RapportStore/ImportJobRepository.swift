import FluentKit
import Foundation
import RapportCore
import SQLKit

/// An import as the API shows it: a job with its progress and counts.
public struct ImportJob: Sendable {
    /// Where a job stands. `running` and `finished` are real runs (as `rapport import` records them too);
    /// `previewing` and `previewed` are dry runs, which write nothing but this row and its report.
    public enum Status: String, Sendable, CaseIterable {
        case running, finished, failed, previewing, previewed
    }

    public let id: UUID
    public let kind: String
    public let source: String
    public let fileName: String
    public let status: Status
    /// The file's rows, estimated from its lines; nil until known.
    public let totalRows: Int?
    /// The last line whose batch is done.
    public let lastLine: Int
    /// Rows per outcome (`created`, `updated`, `unchanged`, `rejected`, `flagged`).
    public let counts: [ImportOutcome.Action: Int]
    public let startedAt: Date
    public let finishedAt: Date?
    public let error: String?

    /// Rows done so far.
    public var doneRows: Int { counts.values.reduce(0, +) }
}

/// One row of an import's report.
public struct ImportReportRow: Sendable {
    public let line: Int
    public let action: ImportOutcome.Action
    public let number: CustomerNumber?
    /// The changes of an update (`[{field, old, new}]`) or the reasons of a rejected or flagged row.
    public let detail: JSONValue
    /// The row as the file had it.
    public let raw: String
}

/// Import jobs and their reports, for the API.
public struct ImportJobRepository: Sendable {
    let store: RapportDatabase

    /// Wraps the database.
    public init(_ store: RapportDatabase) {
        self.store = store
    }

    private var sql: any SQLDatabase { store.database as! any SQLDatabase }

    /// Records a preview (dry run) job; the file's digest is not recorded, so a later real run of it starts afresh.
    public func startPreview(kind: String, source: String, fileName: String, totalRows: Int, startedBy: UUID?)
        async throws -> UUID
    {
        let now = store.clock.now()
        let id = TimeOrderedID.make(at: now)
        try await store.write { database in
            try await (database as! any SQLDatabase).insert(into: "imports")
                .columns("id", "kind", "source", "file_name", "digest", "status", "last_line", "created", "updated",
                         "unchanged", "rejected", "flagged", "started_at", "total_rows", "started_by")
                .values(SQLBind(id), SQLBind(kind), SQLBind(source), SQLBind(fileName), SQLBind("preview"),
                        SQLBind(ImportJob.Status.previewing.rawValue), SQLBind(Int64(0)), SQLBind(Int64(0)),
                        SQLBind(Int64(0)), SQLBind(Int64(0)), SQLBind(Int64(0)), SQLBind(Int64(0)), SQLBind(now),
                        SQLBind(Int64(totalRows)), SQLBind(startedBy))
                .run()
        }
        return id
    }

    /// Notes who started a real run and how many rows its file holds.
    public func describe(_ id: UUID, totalRows: Int, startedBy: UUID?) async throws {
        try await store.write { database in
            try await (database as! any SQLDatabase).update("imports").set("total_rows", to: SQLBind(Int64(totalRows)))
                .set("started_by", to: SQLBind(startedBy)).where("id", .equal, SQLBind(id)).run()
        }
    }

    /// Keeps a batch's rows that need a person's eye (every row of a preview; of a real run the updates, rejected
    /// and flagged rows), and for a preview its progress, which a real run's batches write themselves.
    public func report(_ id: UUID, rows: [(record: ImportRecord, outcome: ImportOutcome)], preview: Bool)
        async throws
    {
        let kept = rows.filter { preview || $0.outcome.action != .created && $0.outcome.action != .unchanged }
        try await store.write { database in
            let sql = database as! any SQLDatabase
            for chunk in kept.chunked(into: 500) {
                let insert = sql.insert(into: "import_rows").columns("import_id", "line", "action", "number", "detail",
                                                                      "raw")
                for (record, outcome) in chunk {
                    insert.values(SQLBind(id), SQLBind(Int64(outcome.line)), SQLBind(outcome.action.rawValue),
                                  SQLBind(outcome.number?.description), SQLBind(Self.detail(outcome).encodedText()),
                                  SQLBind(record.raw))
                }
                try await insert.run()
            }
            guard preview, let last = rows.last else { return }
            var counts = [ImportOutcome.Action: Int64]()
            for (_, outcome) in rows { counts[outcome.action, default: 0] += 1 }
            let update = sql.update("imports").set("last_line", to: SQLBind(Int64(last.record.line)))
            for action in ImportOutcome.Action.allCases {
                update.set(SQLRaw(action.rawValue), to: SQLRaw("\(action.rawValue) + \(counts[action] ?? 0)"))
            }
            try await update.where("id", .equal, SQLBind(id)).run()
        }
    }

    /// Marks a preview done.
    public func finishPreview(_ id: UUID) async throws {
        try await setStatus(id, .previewed, error: nil)
    }

    /// Marks a job failed, with why.
    public func fail(_ id: UUID, error: String) async throws {
        try await setStatus(id, .failed, error: error)
    }

    private func setStatus(_ id: UUID, _ status: ImportJob.Status, error: String?) async throws {
        let now = store.clock.now()
        try await store.write { database in
            try await (database as! any SQLDatabase).update("imports").set("status", to: SQLBind(status.rawValue))
                .set("finished_at", to: SQLBind(now)).set("error", to: SQLBind(error))
                .where("id", .equal, SQLBind(id)).run()
        }
    }

    /// One job.
    /// - Throws: `StoreError.notFound`.
    public func find(_ id: UUID) async throws -> ImportJob {
        guard let row = try await sql.select().column("*").from("imports").where("id", .equal, SQLBind(id)).first()
        else { throw StoreError.notFound }
        return try Self.job(row)
    }

    /// The newest jobs first.
    public func list(limit: Int) async throws -> [ImportJob] {
        try await sql.select().column("*").from("imports").orderBy("started_at", .descending).orderBy("id", .descending)
            .limit(limit).all().map(Self.job)
    }

    /// A page of a job's report, by line; `action` keeps one kind of outcome.
    public func rows(of id: UUID, action: ImportOutcome.Action?, afterLine: Int?, limit: Int) async throws
        -> [ImportReportRow]
    {
        let query = sql.select().columns("line", "action", "number", "detail", "raw").from("import_rows")
            .where("import_id", .equal, SQLBind(id))
        if let action { query.where("action", .equal, SQLBind(action.rawValue)) }
        if let afterLine { query.where("line", .greaterThan, SQLBind(Int64(afterLine))) }
        return try await query.orderBy("line").limit(limit).all().map { row in
            ImportReportRow(
                line: Int(try row.decode(column: "line", as: Int64.self)),
                action: ImportOutcome.Action(rawValue: try row.decode(column: "action", as: String.self)) ?? .rejected,
                number: try row.decode(column: "number", as: String?.self).flatMap(CustomerNumber.init(parsing:)),
                detail: try JSONValue.parse(Data(try row.decode(column: "detail", as: String.self).utf8)),
                raw: try row.decode(column: "raw", as: String.self))
        }
    }

    /// What a report row says beyond its action: an update's changes, or why a row was rejected or flagged.
    static func detail(_ outcome: ImportOutcome) -> JSONValue {
        switch outcome.action {
        case .updated:
            .array(outcome.changes.map { ["field": .string($0.field), "old": $0.old, "new": $0.new] })
        case .rejected, .flagged:
            .array(outcome.reasons.map(JSONValue.string))
        case .created, .unchanged:
            .array([])
        }
    }

    private static func job(_ row: any SQLRow) throws -> ImportJob {
        var counts: [ImportOutcome.Action: Int] = [:]
        for action in ImportOutcome.Action.allCases {
            counts[action] = Int(try row.decode(column: action.rawValue, as: Int64.self))
        }
        return ImportJob(
            id: try row.decode(column: "id", as: UUID.self), kind: try row.decode(column: "kind", as: String.self),
            source: try row.decode(column: "source", as: String.self),
            fileName: try row.decode(column: "file_name", as: String.self),
            status: ImportJob.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .failed,
            totalRows: try row.decode(column: "total_rows", as: Int64?.self).map(Int.init),
            lastLine: Int(try row.decode(column: "last_line", as: Int64.self)), counts: counts,
            startedAt: try row.decode(column: "started_at", as: Date.self),
            finishedAt: try row.decode(column: "finished_at", as: Date?.self),
            error: try row.decode(column: "error", as: String?.self))
    }
}
