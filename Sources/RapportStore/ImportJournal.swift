import FluentKit
import Foundation
import RapportCore
import SQLKit

/// What an import file holds: the `kind` of its row in `imports`.
public enum ImportKind: String, Sendable, CaseIterable {
    case customers, transactions, interactions
}

/// What one record did (or, in a dry run, would do).
public struct ImportOutcome: Sendable {
    /// The kinds of outcome; each is a count column of `imports`.
    public enum Action: String, Sendable, CaseIterable {
        case created, updated, unchanged, rejected, flagged
    }

    public let line: Int
    public let action: Action
    /// The customer created, updated or found unchanged, or whose transaction or interaction this is.
    public let number: CustomerNumber?
    /// For an update: each changed field, old and new value.
    public let changes: [(field: String, old: JSONValue, new: JSONValue)]
    /// For a rejected or flagged record: why.
    public let reasons: [String]
    /// For a transaction or interaction: what it is, for the dry run's lines (`purchase O-1001 ¥1,234.50`).
    public let detail: String?

    /// Creates an outcome.
    init(line: Int, action: Action, number: CustomerNumber?, changes: [(field: String, old: JSONValue, new: JSONValue)],
         reasons: [String], detail: String? = nil) {
        self.line = line
        self.action = action
        self.number = number
        self.changes = changes
        self.reasons = reasons
        self.detail = detail
    }

    /// A rejected record's outcome, with its reasons as `field: message`, each field named as `titles` names it
    /// (the file's column titles of the document's members), else as it is.
    static func rejected(line: Int, _ error: ValidationError, number: CustomerNumber? = nil,
                         titles: [String: String] = [:]) -> ImportOutcome {
        ImportOutcome(line: line, action: .rejected, number: number, changes: [], reasons: error.errors.map { error in
            let field = titles[error.field] ?? error.field
            return field.isEmpty ? error.message : "\(field): \(error.message)"
        })
    }
}

/// An import run as recorded in `imports`.
public struct ImportRun: Sendable {
    public let id: UUID
    /// The last line whose batch was committed; a resumed run skips up to it.
    public let lastLine: Int
    /// Whether this file (with this mapping, from this source) was already imported to the end.
    public let finished: Bool

    /// A dry run is no recorded run: it starts at the beginning and leaves no trace.
    public static let dryRun = ImportRun(id: UUID(), lastLine: 0, finished: false)

    /// A dry run recorded as a preview job (`ImportJobRepository.startPreview`).
    public static func preview(_ id: UUID) -> ImportRun {
        ImportRun(id: id, lastLine: 0, finished: false)
    }
}

/// One record of a transaction or interaction file: the rows it was read from (an order may span several), what
/// they say, and how many identical records came before it in the file, plus one (`ImportOccurrences`).
public struct ImportItem<Parsed: Sendable>: Sendable {
    /// Each row's line and text as the file has it.
    public let rows: [(line: Int, raw: String)]
    /// What the rows say, or why they cannot be imported.
    public let parsed: Result<Parsed, ValidationError>
    /// 1 for the first record with its fingerprint, 2 for the next identical one, …
    public let occurrence: Int

    /// Creates an item.
    public init(rows: [(line: Int, raw: String)], parsed: Result<Parsed, ValidationError>, occurrence: Int = 1) {
        self.rows = rows
        self.parsed = parsed
        self.occurrence = occurrence
    }

    /// The line it starts on.
    public var line: Int { rows.first?.line ?? 0 }
}

/// The `imports` table (see `M0015_CreateImports`): one row per run of a file, shared by every kind of import. A
/// batch is written in one transaction with the run's progress, so a run killed at any point resumes after its last
/// committed batch, and a file imported to the end is recognised by its digest and not imported twice.
public struct ImportJournal: Sendable {
    let store: RapportDatabase

    /// Wraps the database.
    public init(_ store: RapportDatabase) {
        self.store = store
    }

    /// The run of this kind for this file, mapping and source: the unfinished one to resume, the finished one, or a
    /// new one.
    public func begin(_ kind: ImportKind, fileName: String, digest: String, source: String) async throws -> ImportRun {
        let sql = store.database as! any SQLDatabase
        if let row = try await sql.select().columns("id", "status", "last_line").from("imports")
            .where("kind", .equal, kind.rawValue).where("source", .equal, source).where("digest", .equal, digest)
            .orderBy("started_at", .descending).limit(1).first()
        {
            return ImportRun(id: try row.decode(column: "id", as: UUID.self),
                             lastLine: Int(try row.decode(column: "last_line", as: Int64.self)),
                             finished: try row.decode(column: "status", as: String.self) == "finished")
        }
        let now = store.clock.now()
        let id = TimeOrderedID.make(at: now)
        try await store.write { database in
            try await (database as! any SQLDatabase).insert(into: "imports")
                .columns("id", "kind", "source", "file_name", "digest", "status", "last_line", "created", "updated",
                         "unchanged", "rejected", "flagged", "started_at")
                .values(SQLBind(id), SQLBind(kind.rawValue), SQLBind(source), SQLBind(fileName), SQLBind(digest),
                        SQLBind("running"), SQLBind(Int64(0)), SQLBind(Int64(0)), SQLBind(Int64(0)), SQLBind(Int64(0)),
                        SQLBind(Int64(0)), SQLBind(Int64(0)), SQLBind(now))
                .run()
        }
        return ImportRun(id: id, lastLine: 0, finished: false)
    }

    /// Decides every crowd for the customers the import wrote (one scan, not one decision per row), then marks the
    /// run finished: importing the same file again does nothing. A run killed before this is finished by running it
    /// again, and the daily recompute decides crowds too.
    public func finish(_ run: ImportRun) async throws {
        _ = try await CrowdRepository(store).refreshAll()
        let now = store.clock.now()
        try await store.write { database in
            try await (database as! any SQLDatabase).update("imports").set("status", to: SQLBind("finished"))
                .set("finished_at", to: SQLBind(now)).where("id", .equal, SQLBind(run.id)).run()
        }
    }

    /// Runs `work` — which decides and writes a batch whose records end by `lastLine` (a problem with the file rather
    /// than a line is line 0, so it is the greatest line, not the last record's) — in one transaction with the run's
    /// progress. A dry run writes as a real run would and then rolls its transaction back: every
    /// record sees what the ones before it would have made, and nothing stays.
    func commit(_ run: ImportRun, lastLine: Int?, dryRun: Bool,
                _ work: @escaping @Sendable (any Database) async throws -> [ImportOutcome]) async throws
        -> [ImportOutcome]
    {
        guard dryRun else {
            return try await store.write(bulk: true) { database in
                let outcomes = try await work(database)
                guard let lastLine else { return outcomes }
                var counts = [ImportOutcome.Action: Int64]()
                for outcome in outcomes { counts[outcome.action, default: 0] += 1 }
                let update = (database as! any SQLDatabase).update("imports")
                    .set("last_line", to: SQLBind(Int64(lastLine)))
                for action in ImportOutcome.Action.allCases {
                    update.set(SQLRaw(action.rawValue), to: SQLRaw("\(action.rawValue) + \(counts[action] ?? 0)"))
                }
                try await update.where("id", .equal, SQLBind(run.id)).run()
                return outcomes
            }
        }
        do {
            _ = try await store.write { database -> [ImportOutcome] in
                throw DryRunRollback(outcomes: try await work(database))
            }
        } catch let rollback as DryRunRollback {
            return rollback.outcomes
        }
        return []
    }

    /// Carries a dry run's outcomes out of the transaction it rolls back.
    private struct DryRunRollback: Error {
        let outcomes: [ImportOutcome]
    }
}
