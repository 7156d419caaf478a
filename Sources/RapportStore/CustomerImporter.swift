import FluentKit
import Foundation
import RapportCore
import SQLKit

/// One record of an import file, read and checked: its line, its text as the file had it, and the customer it
/// describes with the fields it gave — or why it cannot be read.
public struct ImportRecord: Sendable {
    public let line: Int
    public let raw: String
    public let parsed: Result<(fields: CustomerFields, given: Set<String>), ValidationError>

    /// Creates a record.
    public init(line: Int, raw: String, parsed: Result<(fields: CustomerFields, given: Set<String>), ValidationError>) {
        self.line = line
        self.raw = raw
        self.parsed = parsed
    }
}

/// What one record did (or, in a dry run, would do).
public struct ImportOutcome: Sendable {
    /// The kinds of outcome.
    public enum Action: String, Sendable, CaseIterable {
        case created, updated, unchanged, rejected, flagged
    }

    public let line: Int
    public let action: Action
    /// The customer created, updated or found unchanged.
    public let number: CustomerNumber?
    /// For an update: each changed field, old and new value.
    public let changes: [(field: String, old: JSONValue, new: JSONValue)]
    /// For a rejected or flagged record: why.
    public let reasons: [String]
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
}

/// Imports customers: each record matches an existing customer by its external ID in the source system, then by a
/// normalised e-mail address or phone number; a match is updated with what the record gives (`CustomerFields.merging`),
/// anything else is created. A record whose keys point at two different customers is flagged as a possible duplicate
/// and left alone. Events carry the import as their actor and `import` as their source. Crowds are decided once, when
/// the run finishes.
public struct CustomerImporter: Sendable {
    let store: RapportDatabase

    /// Wraps the database.
    public init(_ store: RapportDatabase) {
        self.store = store
    }

    /// The run for this file, mapping and source: the unfinished one to resume, the finished one, or a new one.
    public func begin(fileName: String, digest: String, source: String) async throws -> ImportRun {
        let sql = store.database as! any SQLDatabase
        if let row = try await sql.select().columns("id", "status", "last_line").from("imports")
            .where("kind", .equal, "customers").where("source", .equal, source).where("digest", .equal, digest)
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
                .values(SQLBind(id), SQLBind("customers"), SQLBind(source), SQLBind(fileName), SQLBind(digest),
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

    /// Decides what each record does and, unless `dryRun`, writes it, with the run's progress, in one transaction.
    public func importBatch(_ records: [ImportRecord], run: ImportRun, source: String, dryRun: Bool) async throws
        -> [ImportOutcome]
    {
        let now = store.clock.now()
        let actor = Actor(kind: .import, id: run.id)
        let work: @Sendable (any Database) async throws -> [ImportOutcome] = { database in
            let batch = Batch(source: source, database: database)
            var outcomes: [ImportOutcome] = []
            for record in records {
                outcomes.append(try await batch.apply(record, at: now, actor: actor))
            }
            guard !dryRun, let last = records.last else { return outcomes }
            var counts = [ImportOutcome.Action: Int64]()
            for outcome in outcomes { counts[outcome.action, default: 0] += 1 }
            let update = (database as! any SQLDatabase).update("imports").set("last_line", to: SQLBind(Int64(last.line)))
            for action in ImportOutcome.Action.allCases {
                update.set(SQLRaw(action.rawValue), to: SQLRaw("\(action.rawValue) + \(counts[action] ?? 0)"))
            }
            try await update.where("id", .equal, SQLBind(run.id)).run()
            return outcomes
        }
        guard dryRun else { return try await store.write(bulk: true, work) }
        // A dry run writes as a real run would and then rolls its transaction back: every record sees what the ones
        // before it would have made, and nothing stays.
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

extension CustomerImporter {
    /// Matches and writes the records of a batch one after the other, so a record sees the customers the ones before
    /// it made.
    fileprivate struct Batch {
        let source: String
        let database: any Database

        func apply(_ record: ImportRecord, at now: Date, actor: Actor) async throws -> ImportOutcome
        {
            let fields: CustomerFields, given: Set<String>
            switch record.parsed {
            case .failure(let error):
                return ImportOutcome(line: record.line, action: .rejected, number: nil, changes: [],
                                     reasons: error.errors.map { "\($0.field): \($0.message)" })
            case .success(let parsed):
                (fields, given) = parsed
            }
            let matches = try await match(fields)
            guard matches.count <= 1 else {
                let numbers = try await numbers(of: matches)
                return ImportOutcome(line: record.line, action: .flagged, number: nil, changes: [], reasons: [
                    "possible duplicate: its external ID, e-mail addresses and phone numbers belong to "
                        + numbers.map(\.description).joined(separator: " and "),
                ])
            }
            do {
                guard let id = matches.first else {
                    let created = try await CustomerRepository.create(fields, at: now, actor: actor, source: .import,
                                                                      decideCrowds: false, on: database)
                    return ImportOutcome(line: record.line, action: .created, number: created.number, changes: [],
                                         reasons: [])
                }
                let model = try await CustomerRepository.lockAndLoad(id, visibleTo: .all, expectedVersion: nil,
                                                                     on: database)
                let stats = try await CustomerStatsTable.load(id, on: database)
                let current = try model.toStored(stats: stats).decoded().fields
                let merged = current.merging(fields, given: given)
                let events = CustomerHistory.changeEvents(customerID: id, from: current, to: merged, actor: actor,
                                                          source: .import, at: now)
                let number = CustomerNumber(model.number)
                guard !events.isEmpty else {
                    return ImportOutcome(line: record.line, action: .unchanged, number: number, changes: [], reasons: [])
                }
                _ = try await CustomerRepository.change(model, from: current, to: merged, stats: stats, at: now,
                                                        actor: actor, source: .import, decideCrowds: false,
                                                        on: database)
                return ImportOutcome(line: record.line, action: .updated, number: number,
                                     changes: events.map { ($0.field ?? "", $0.oldValue ?? .null, $0.newValue ?? .null) },
                                     reasons: [])
            } catch StoreError.invalid(let error) {
                return ImportOutcome(line: record.line, action: .rejected, number: nil, changes: [],
                                     reasons: error.errors.map { "\($0.field): \($0.message)" })
            }
        }

        /// The customers the record's keys point at: its external ID in this source, else its contact points.
        private func match(_ fields: CustomerFields) async throws -> [UUID] {
            let sql = database as! any SQLDatabase
            if let externalID = fields.externalIDs[source],
                let row = try await sql.select().column("customer_id").from("customer_external_ids")
                    .where("source", .equal, source).where("external_id", .equal, externalID).first()
            {
                return [try row.decode(column: "customer_id", as: UUID.self)]
            }
            var found: [UUID] = []
            for (kind, values) in [(CustomerContacts.Kind.email, fields.emails.map(\.address)),
                                   (.phone, fields.phones.map(\.number))] where !values.isEmpty
            {
                for holders in try await CustomerContacts.holders(of: values, kind: kind, on: sql).values {
                    for id in holders where !found.contains(id) { found.append(id) }
                }
            }
            return found
        }

        private func numbers(of ids: [UUID]) async throws -> [CustomerNumber] {
            try await (database as! any SQLDatabase).select().column("number").from("customers")
                .where("id", .in, ids).orderBy("number").all()
                .map { CustomerNumber(try $0.decode(column: "number", as: Int64.self)) }
        }
    }
}
