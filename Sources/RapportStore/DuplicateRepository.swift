import FluentKit
import Foundation
import RapportCore
import SQLKit

/// A pair of customers a scan found alike, in the review queue.
public struct DuplicateCandidate: Sendable {
    /// Where a candidate stands.
    public enum Status: String, Sendable, CaseIterable {
        case open, merged, dismissed
    }

    public let id: UUID
    /// The customer with the lower number.
    public let firstID: UUID
    public let secondID: UUID
    public let score: Double
    /// The scorer's evidence, strongest first.
    public let reasons: [String]
    public let status: Status
    public let foundAt: Date
    public let decidedAt: Date?
    /// The merge that closed it, for `merged` candidates.
    public let mergeID: UUID?
}

/// What a scan found, for the CLI's table and lines.
public struct DuplicateScanReport: Sendable {
    /// One pair at or above the scan's minimum score.
    public struct Pair: Sendable {
        public let candidateID: UUID
        public let first: (number: CustomerNumber, externalIDs: [String: String])
        public let second: (number: CustomerNumber, externalIDs: [String: String])
        public let score: DuplicateScore
        /// Whether it was merged at once (the auto-merge setting).
        public let merged: Bool
    }

    /// Current customers scanned.
    public let customers: Int
    /// Pairs sharing a blocking key, each scored.
    public let compared: Int
    /// The pairs at or above the minimum score, best first.
    public let pairs: [Pair]
    /// Pairs new to the queue.
    public let added: Int
    /// Open pairs of an earlier scan that this one no longer finds, taken off the queue.
    public let removed: Int
}

/// The duplicate review queue: scans fill it, reviewers merge (`CustomerMerger`) or dismiss its pairs.
public struct DuplicateRepository: Sendable {
    let store: RapportDatabase

    /// Wraps the database.
    public init(_ store: RapportDatabase) {
        self.store = store
    }

    /// Compares every current customer with those sharing a blocking key (`DuplicateKeys`) and queues each pair
    /// scoring at least `minScore`. A pair already in the queue has its score updated, a pair dismissed or merged
    /// stays decided, and open pairs this scan no longer finds (their customers changed or were archived) leave the
    /// queue. With `autoMergeAt`, pairs scoring at least that are merged at once by `actor`, best first, each
    /// customer at most once per scan.
    public func scan(minScore: Double, autoMergeAt: Double? = nil, actor: Actor) async throws -> DuplicateScanReport {
        let sql = store.database as! any SQLDatabase
        let rows = try await sql.select().columns("id", "number", "document").from("customers")
            .where("archived_at", .is, SQLLiteral.null).orderBy("number").all()
        var ids: [UUID] = [], numbers: [CustomerNumber] = [], fields: [CustomerFields] = []
        ids.reserveCapacity(rows.count)
        for row in rows {
            ids.append(try row.decode(column: "id", as: UUID.self))
            numbers.append(CustomerNumber(try row.decode(column: "number", as: Int64.self)))
            fields.append(try StoredCustomer.fields(of: try row.decode(column: "document", as: String.self),
                                                    number: numbers[numbers.count - 1]))
        }
        let profiles = fields.map(DuplicateProfile.init)
        let candidates = DuplicateKeys.candidatePairs(keys: profiles.map { DuplicateKeys.keys(for: $0) })
        var found: [(pair: DuplicateKeys.Pair, score: DuplicateScore)] = []
        for pair in candidates where DuplicateScorer.value(profiles[pair.first], profiles[pair.second]) >= minScore {
            found.append((pair, DuplicateScorer.score(profiles[pair.first], profiles[pair.second])))
        }
        found.sort { ($0.score.value, $1.pair.first, $1.pair.second) > ($1.score.value, $0.pair.first, $0.pair.second) }

        let now = store.clock.now()
        let pairs = found.map { (ids[$0.pair.first], ids[$0.pair.second], $0.score) }
        let (queued, added, removed) = try await store.write { database in
            try await Self.queue(pairs, at: now, on: database as! any SQLDatabase)
        }
        var merged: Set<UUID> = []
        var report: [DuplicateScanReport.Pair] = []
        for ((pair, score), candidateID) in zip(found, queued) {
            var didMerge = false
            if let autoMergeAt, score.value >= autoMergeAt, let candidateID,
               !merged.contains(ids[pair.first]), !merged.contains(ids[pair.second])
            {
                _ = try await CustomerMerger(store).merge(candidate: candidateID, actor: actor)
                merged.formUnion([ids[pair.first], ids[pair.second]])
                didMerge = true
            }
            guard let candidateID else { continue }
            report.append(DuplicateScanReport.Pair(
                candidateID: candidateID, first: (numbers[pair.first], fields[pair.first].externalIDs),
                second: (numbers[pair.second], fields[pair.second].externalIDs), score: score, merged: didMerge))
        }
        return DuplicateScanReport(customers: ids.count, compared: candidates.count, pairs: report, added: added,
                                   removed: removed)
    }

    /// Writes a scan's pairs into the queue; returns each pair's candidate ID (nil for a pair decided before), how
    /// many were new and how many open ones left.
    private static func queue(_ pairs: [(UUID, UUID, DuplicateScore)], at now: Date, on sql: any SQLDatabase)
        async throws -> ([UUID?], Int, Int)
    {
        var existing: [String: (id: UUID, status: String)] = [:]
        for row in try await sql.select().columns("id", "first_id", "second_id", "status")
            .from("duplicate_candidates").all()
        {
            let key = try Self.key(row.decode(column: "first_id", as: UUID.self),
                                   row.decode(column: "second_id", as: UUID.self))
            existing[key] = (try row.decode(column: "id", as: UUID.self), try row.decode(column: "status", as: String.self))
        }
        var ids: [UUID?] = []
        var fresh: [(UUID, UUID, UUID, DuplicateScore)] = []
        var kept: Set<UUID> = []
        for (first, second, score) in pairs {
            if let (id, status) = existing[Self.key(first, second)] {
                guard status == DuplicateCandidate.Status.open.rawValue else {
                    ids.append(nil)
                    continue
                }
                kept.insert(id)
                try await sql.update("duplicate_candidates").set("score", to: SQLBind(score.value))
                    .set("reasons", to: SQLBind(JSONValue.array(score.reasons.map(JSONValue.string)).encodedText()))
                    .where("id", .equal, SQLBind(id)).run()
                ids.append(id)
            } else {
                let id = TimeOrderedID.make(at: now)
                fresh.append((id, first, second, score))
                ids.append(id)
            }
        }
        for chunk in fresh.chunked(into: 500) {
            let insert = sql.insert(into: "duplicate_candidates")
                .columns("id", "first_id", "second_id", "score", "reasons", "status", "found_at")
            for (id, first, second, score) in chunk {
                insert.values(SQLBind(id), SQLBind(first), SQLBind(second), SQLBind(score.value),
                              SQLBind(JSONValue.array(score.reasons.map(JSONValue.string)).encodedText()),
                              SQLBind(DuplicateCandidate.Status.open.rawValue), SQLBind(now))
            }
            try await insert.run()
        }
        let stale = existing.values.filter { $0.status == DuplicateCandidate.Status.open.rawValue && !kept.contains($0.id) }
            .map(\.id)
        for chunk in stale.chunked(into: 500) {
            try await sql.delete(from: "duplicate_candidates").where("id", .in, Array(chunk)).run()
        }
        return (ids, fresh.count, stale.count)
    }

    /// A pair's key whichever way round it is given; the queue stores the lower number first, and scans list
    /// customers by number, so both orders meet here.
    private static func key(_ a: UUID, _ b: UUID) -> String {
        a.uuidString < b.uuidString ? a.uuidString + b.uuidString : b.uuidString + a.uuidString
    }

    /// A page of the queue with this status, best score first; `after` is the last candidate of the previous page.
    public func list(status: DuplicateCandidate.Status, after: (score: Double, id: UUID)?, limit: Int) async throws
        -> [DuplicateCandidate]
    {
        var query: SQLQueryString = "SELECT * FROM duplicate_candidates WHERE status = \(bind: status.rawValue)"
        if let after {
            query += " AND (score < \(bind: after.score) OR (score = \(bind: after.score) AND id > \(bind: after.id)))"
        }
        query += " ORDER BY score DESC, id LIMIT \(literal: limit)"
        return try await (store.database as! any SQLDatabase).raw(query).all().map(Self.candidate)
    }

    /// One candidate.
    /// - Throws: `StoreError.notFound`.
    public func find(_ id: UUID) async throws -> DuplicateCandidate {
        try await Self.find(id, on: store.database as! any SQLDatabase)
    }

    static func find(_ id: UUID, on sql: any SQLDatabase) async throws -> DuplicateCandidate {
        guard let row = try await sql.select().column("*").from("duplicate_candidates").where("id", .equal, SQLBind(id))
            .first()
        else { throw StoreError.notFound }
        return try candidate(row)
    }

    /// Takes an open pair off the queue as not a duplicate; later scans leave it dismissed.
    /// - Throws: `StoreError.notFound`; `.conflict` when it is not open.
    public func dismiss(_ id: UUID, actor: Actor) async throws -> DuplicateCandidate {
        let now = store.clock.now()
        return try await store.write { database in
            let sql = database as! any SQLDatabase
            let candidate = try await Self.find(id, on: sql)
            guard candidate.status == .open else {
                throw StoreError.conflict("this pair was \(candidate.status.rawValue) already")
            }
            try await Self.decide(id, as: .dismissed, at: now, actor: actor, mergeID: nil, on: sql)
            return try await Self.find(id, on: sql)
        }
    }

    /// Records a decision on a candidate.
    static func decide(
        _ id: UUID, as status: DuplicateCandidate.Status, at now: Date?, actor: Actor?, mergeID: UUID?,
        on sql: any SQLDatabase
    ) async throws {
        try await sql.update("duplicate_candidates").set("status", to: SQLBind(status.rawValue))
            .set("decided_at", to: SQLBind(now)).set("decided_by_kind", to: SQLBind(actor?.kind.rawValue))
            .set("decided_by_id", to: SQLBind(actor?.id)).set("merge_id", to: SQLBind(mergeID))
            .where("id", .equal, SQLBind(id)).run()
    }

    private static func candidate(_ row: any SQLRow) throws -> DuplicateCandidate {
        let reasons = try JSONValue.parse(Data(try row.decode(column: "reasons", as: String.self).utf8))
        return DuplicateCandidate(
            id: try row.decode(column: "id", as: UUID.self), firstID: try row.decode(column: "first_id", as: UUID.self),
            secondID: try row.decode(column: "second_id", as: UUID.self),
            score: try row.decode(column: "score", as: Double.self),
            reasons: reasons.arrayValue?.compactMap(\.stringValue) ?? [],
            status: DuplicateCandidate.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .open,
            foundAt: try row.decode(column: "found_at", as: Date.self),
            decidedAt: try row.decode(column: "decided_at", as: Date?.self),
            mergeID: try row.decode(column: "merge_id", as: UUID?.self))
    }
}
