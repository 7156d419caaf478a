import FluentKit
import Foundation
import RapportCore
import SQLKit

/// A merge as recorded in `merges`.
public struct CustomerMergeRecord: Sendable {
    /// Where a merge stands.
    public enum Status: String, Sendable {
        case done, undone
    }

    public let id: UUID
    public let candidateID: UUID?
    /// The customer that stays.
    public let survivorID: UUID
    /// The customer merged into it, now archived.
    public let mergedID: UUID
    public let status: Status
    public let mergedAt: Date
    public let undoneAt: Date?
}

/// Merges two records of one customer, and undoes merges.
///
/// The survivor is the record with more transactions (the older one when they have as many): the number most
/// people and systems already use. Its fields take the other's per `CustomerMerge`; the other's transactions,
/// interactions and their events move to it, so its stats, values and timeline of activity cover both; the other
/// record keeps its own profile history, is archived with a `merged_into` event and leaves every crowd. The
/// survivor's stage is judged again by the next recompute.
///
/// Everything a merge changes is recorded (see `M0016_CreateDuplicates`), so an undo puts both customers back exactly
/// as they were — rows, stats, contact points, external IDs, crowd memberships and events — as long as neither has
/// changed since.
public struct CustomerMerger: Sendable {
    let store: RapportDatabase

    /// Wraps the database.
    public init(_ store: RapportDatabase) {
        self.store = store
    }

    /// The snapshot tables: each table's key column, and whether the key is a customer's ID or its number.
    static let snapshots: [(table: String, key: String, byNumber: Bool)] = [
        ("customers", "id", false), ("customer_stats", "customer_id", false),
        ("customer_external_ids", "customer_id", false), ("customer_contacts", "customer_id", false),
        ("crowd_members", "number", true), ("crowd_exits", "number", true),
    ]

    /// The columns of each snapshot table: its table's, in order. A migration adding a column to one of these tables
    /// must add it here and to its `merge_` table.
    static let columns: [String: [String]] = [
        "customers": CustomerBulkWriter.customerColumns + ["archived_at"],
        "customer_stats": ["number", "customer_id"] + CustomerStatsTable.columns,
        "customer_external_ids": ["source", "external_id", "customer_id"],
        "customer_contacts": ["kind", "value", "customer_id"],
        "crowd_members": ["crowd_id", "number", "customer_id", "since"],
        "crowd_exits": ["crowd_id", "number", "since", "until"],
    ]

    /// Merges an open candidate's two customers.
    /// - Throws: `StoreError.notFound`; `.conflict` when the candidate is not open or either customer is archived.
    public func merge(candidate candidateID: UUID, actor: Actor, source: EventSource = .api) async throws
        -> CustomerMergeRecord
    {
        let now = store.clock.now()
        return try await store.write { database in
            let sql = database as! any SQLDatabase
            let candidate = try await DuplicateRepository.find(candidateID, on: sql)
            guard candidate.status == .open else {
                throw StoreError.conflict("this pair was \(candidate.status.rawValue) already")
            }
            return try await Self.merge(candidate.firstID, candidate.secondID, candidateID: candidateID, at: now,
                                        actor: actor, source: source, on: database)
        }
    }

    static func merge(
        _ a: UUID, _ b: UUID, candidateID: UUID?, at now: Date, actor: Actor, source: EventSource,
        on database: any Database
    ) async throws -> CustomerMergeRecord {
        let sql = database as! any SQLDatabase
        let first = try await CustomerRepository.lockAndLoad(a, visibleTo: .all, expectedVersion: nil, on: database)
        let second = try await CustomerRepository.lockAndLoad(b, visibleTo: .all, expectedVersion: nil, on: database)
        for model in [first, second] where model.archivedAt != nil {
            throw StoreError.conflict("customer \(CustomerNumber(model.number)) is archived")
        }
        let purchases = try await Self.transactionCounts([a, b], on: sql)
        let (survivor, merged) = (purchases[b] ?? 0) > (purchases[a] ?? 0) || ((purchases[b] ?? 0) == (purchases[a] ?? 0)
            && second.number < first.number) ? (second, first) : (first, second)
        let survivorID = survivor.id!, mergedID = merged.id!
        let mergeID = TimeOrderedID.make(at: now)
        let beforeSeq = try await Self.lastSeq(on: sql)
        try await Self.snapshot(mergeID, customers: [survivor, merged], on: sql)

        // The other record's activity moves with its events; its profile history stays with it.
        let transactions = try await sql.select().column("id").from("transactions")
            .where("customer_id", .equal, SQLBind(mergedID)).all().map { try $0.decode(column: "id", as: UUID.self) }
        let interactions = try await sql.select().column("id").from("interactions")
            .where("customer_id", .equal, SQLBind(mergedID)).all().map { try $0.decode(column: "id", as: UUID.self) }
        let events = try await sql.select().column("seq").from("customer_events")
            .where("customer_id", .equal, SQLBind(mergedID))
            .where("family", .in, [EventFamily.transaction.rawValue, EventFamily.relationship.rawValue]).all()
            .map { try $0.decode(column: "seq", as: Int64.self) }
        for table in ["transactions", "interactions"] {
            try await sql.update(table).set("customer_id", to: SQLBind(survivorID))
                .where("customer_id", .equal, SQLBind(mergedID)).run()
        }
        for chunk in events.chunked(into: 500) {
            try await sql.update("customer_events").set("customer_id", to: SQLBind(survivorID))
                .where("seq", .in, Array(chunk)).run()
        }

        // The other record gives up its keys first: an external ID may belong to one customer.
        let survivorFields = try survivor.toStored(stats: .initial(createdAt: survivor.createdAt)).decoded().fields
        let mergedFields = try merged.toStored(stats: .initial(createdAt: merged.createdAt)).decoded().fields
        try await sql.delete(from: "customer_external_ids").where("customer_id", .equal, SQLBind(mergedID)).run()
        try await sql.delete(from: "customer_contacts").where("customer_id", .equal, SQLBind(mergedID)).run()
        let setAt = try await Self.fieldTimes([survivor, merged], on: sql)
        let fields = CustomerMerge.fields(survivor: survivorFields, survivorSetAt: setAt[survivorID] ?? [:],
                                          other: mergedFields, otherSetAt: setAt[mergedID] ?? [:])

        var stats = try await CustomerStatsTable.load(survivorID, on: database)
        stats.purchases = PurchaseSummary(of: try await TransactionRows.all(of: survivorID, on: sql))
        stats.interactions = try await InteractionRows.summary(of: survivorID, at: now, on: sql)
        try await CustomerStatsTable.update(stats, of: survivorID, on: sql)
        try await CustomerRepository.change(survivor, from: survivorFields, to: fields, at: now, actor: actor,
                                            source: source, decideCrowds: false, on: database)
        merged.archivedAt = now
        merged.version += 1
        merged.updatedAt = now
        try await merged.update(on: database)
        try await EventLog.append([
            NewChangeEvent(customerID: survivorID, family: .info, kind: .merged,
                           newValue: ["merge_id": .string(UUIDText.format(mergeID)),
                                      "merged": .string(CustomerNumber(merged.number).description)],
                           actor: actor, source: source, occurredAt: now),
            NewChangeEvent(customerID: mergedID, family: .info, kind: .mergedInto,
                           newValue: ["merge_id": .string(UUIDText.format(mergeID)),
                                      "survivor": .string(CustomerNumber(survivor.number).description)],
                           actor: actor, source: source, occurredAt: now),
            NewChangeEvent(customerID: mergedID, family: .info, kind: .archived, actor: actor, source: source,
                           occurredAt: now),
        ], recordedAt: now, on: database)
        try await CrowdMembership.refresh(survivorID, at: now, on: database)
        try await CrowdMembership.refresh(mergedID, at: now, on: database)

        let moved: JSONValue = [
            "transactions": .array(transactions.map { .string(UUIDText.format($0)) }),
            "interactions": .array(interactions.map { .string(UUIDText.format($0)) }),
            "events": .array(events.map { .number(Double($0)) }),
        ]
        try await sql.insert(into: "merges")
            .columns("id", "candidate_id", "survivor_id", "merged_id", "status", "merged_at", "actor_kind", "actor_id",
                     "before_seq", "after_seq", "moved")
            .values(SQLBind(mergeID), SQLBind(candidateID), SQLBind(survivorID), SQLBind(mergedID),
                    SQLBind(CustomerMergeRecord.Status.done.rawValue), SQLBind(now), SQLBind(actor.kind.rawValue),
                    SQLBind(actor.id), SQLBind(beforeSeq), SQLBind(try await Self.lastSeq(on: sql)),
                    SQLBind(moved.encodedText()))
            .run()
        if let candidateID {
            try await DuplicateRepository.decide(candidateID, as: .merged, at: now, actor: actor, mergeID: mergeID,
                                                 on: sql)
        }
        return try await Self.find(mergeID, on: sql)
    }

    /// Undoes a merge: both customers as they were before it, and its candidate open again.
    /// - Throws: `StoreError.notFound`; `.conflict` when it was undone already or either customer has changed since.
    public func undo(_ mergeID: UUID, actor: Actor) async throws -> CustomerMergeRecord {
        let now = store.clock.now()
        return try await store.write { database in
            let sql = database as! any SQLDatabase
            let record = try await Self.find(mergeID, on: sql)
            guard record.status == .done else { throw StoreError.conflict("this merge was undone already") }
            guard let row = try await sql.select().columns("before_seq", "after_seq", "moved").from("merges")
                .where("id", .equal, SQLBind(mergeID)).first()
            else { throw StoreError.notFound }
            let beforeSeq = try row.decode(column: "before_seq", as: Int64.self)
            let afterSeq = try row.decode(column: "after_seq", as: Int64.self)
            let moved = try JSONValue.parse(Data(try row.decode(column: "moved", as: String.self).utf8))
            let ids = [record.survivorID, record.mergedID]
            for id in ids {
                _ = try await CustomerRepository.lockAndLoad(id, visibleTo: .all, expectedVersion: nil, on: database)
            }
            let later = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
                .from("customer_events").where("customer_id", .in, ids).where("seq", .greaterThan, SQLBind(afterSeq))
                .first()?.decode(column: "n", as: Int.self) ?? 0
            guard later == 0 else {
                throw StoreError.conflict("the customers have changed since the merge (\(later) later events); "
                    + "undoing it would lose those changes")
            }
            try await sql.delete(from: "customer_events").where("customer_id", .in, ids)
                .where("seq", .greaterThan, SQLBind(beforeSeq)).where("seq", .lessThanOrEqual, SQLBind(afterSeq))
                .run()
            func list(_ key: String) -> [JSONValue] { moved.objectValue?[key]?.arrayValue ?? [] }
            for (table, key) in [("transactions", "transactions"), ("interactions", "interactions")] {
                let movedIDs = list(key).compactMap { $0.stringValue.flatMap(UUID.init(uuidString:)) }
                for chunk in movedIDs.chunked(into: 500) {
                    try await sql.update(table).set("customer_id", to: SQLBind(record.mergedID))
                        .where("id", .in, Array(chunk)).run()
                }
            }
            for chunk in list("events").compactMap({ $0.numberValue.map(Int64.init) }).chunked(into: 500) {
                try await sql.update("customer_events").set("customer_id", to: SQLBind(record.mergedID))
                    .where("seq", .in, Array(chunk)).run()
            }
            try await Self.restore(mergeID, customers: ids, on: sql)
            try await sql.update("merges").set("status", to: SQLBind(CustomerMergeRecord.Status.undone.rawValue))
                .set("undone_at", to: SQLBind(now)).set("undone_by_kind", to: SQLBind(actor.kind.rawValue))
                .set("undone_by_id", to: SQLBind(actor.id)).where("id", .equal, SQLBind(mergeID)).run()
            if let candidateID = record.candidateID {
                try await DuplicateRepository.decide(candidateID, as: .open, at: nil, actor: nil, mergeID: nil, on: sql)
            }
            return try await Self.find(mergeID, on: sql)
        }
    }

    /// One merge.
    /// - Throws: `StoreError.notFound`.
    public func find(_ id: UUID) async throws -> CustomerMergeRecord {
        try await Self.find(id, on: store.database as! any SQLDatabase)
    }

    static func find(_ id: UUID, on sql: any SQLDatabase) async throws -> CustomerMergeRecord {
        guard let row = try await sql.select().column("*").from("merges").where("id", .equal, SQLBind(id)).first()
        else { throw StoreError.notFound }
        return CustomerMergeRecord(
            id: id, candidateID: try row.decode(column: "candidate_id", as: UUID?.self),
            survivorID: try row.decode(column: "survivor_id", as: UUID.self),
            mergedID: try row.decode(column: "merged_id", as: UUID.self),
            status: CustomerMergeRecord.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .done,
            mergedAt: try row.decode(column: "merged_at", as: Date.self),
            undoneAt: try row.decode(column: "undone_at", as: Date?.self))
    }

    // MARK: - Helpers

    /// Copies both customers' rows of every snapshot table into its `merge_` table, tagged with the merge.
    private static func snapshot(_ mergeID: UUID, customers: [CustomerModel], on sql: any SQLDatabase) async throws {
        for (table, key, byNumber) in snapshots {
            let names = columns[table]!.joined(separator: ", ")
            let keys: [any Encodable & Sendable] = byNumber ? customers.map(\.number) : customers.map { $0.id! }
            try await sql.raw("""
                INSERT INTO \(ident: "merge_" + table) (\(unsafeRaw: names), merge_id) \
                SELECT \(unsafeRaw: names), \(bind: mergeID) FROM \(ident: table) WHERE \(ident: key) IN (\(binds: keys))
                """).run()
        }
    }

    /// Puts back both customers' rows of every snapshot table as the merge found them.
    private static func restore(_ mergeID: UUID, customers ids: [UUID], on sql: any SQLDatabase) async throws {
        let numbers = try await sql.select().column("number").from("customers").where("id", .in, ids).all()
            .map { try $0.decode(column: "number", as: Int64.self) }
        for (table, key, byNumber) in snapshots {
            let names = columns[table]!.joined(separator: ", ")
            let keys: [any Encodable & Sendable] = byNumber ? numbers : ids
            if table == "customers" || table == "customer_stats" {
                // Rows other tables refer to are updated in place rather than deleted and inserted again.
                let rest = columns[table]!.filter { $0 != key }.joined(separator: ", ")
                try await sql.raw("""
                    UPDATE \(ident: table) SET (\(unsafeRaw: rest)) = (SELECT \(unsafeRaw: rest) FROM \
                    \(ident: "merge_" + table) m WHERE m.merge_id = \(bind: mergeID) AND m.\(ident: key) = \
                    \(ident: table).\(ident: key)) WHERE \(ident: key) IN (\(binds: keys))
                    """).run()
            } else {
                try await sql.raw("DELETE FROM \(ident: table) WHERE \(ident: key) IN (\(binds: keys))").run()
                try await sql.raw("""
                    INSERT INTO \(ident: table) (\(unsafeRaw: names)) SELECT \(unsafeRaw: names) FROM \
                    \(ident: "merge_" + table) WHERE merge_id = \(bind: mergeID)
                    """).run()
            }
        }
    }

    /// When each customer last set each field: its latest `field_changed` event per field, else its creation.
    private static func fieldTimes(_ customers: [CustomerModel], on sql: any SQLDatabase) async throws
        -> [UUID: [String: Date]]
    {
        var times: [UUID: [String: Date]] = [:]
        for model in customers {
            times[model.id!] = Dictionary(uniqueKeysWithValues: CustomerFields.keys.map { ($0, model.createdAt) })
        }
        for row in try await sql.raw("""
            SELECT customer_id, field, MAX(occurred_at) AS at FROM customer_events \
            WHERE customer_id IN (\(binds: customers.map { $0.id! })) AND kind = \(bind: EventKind.fieldChanged.rawValue) \
            GROUP BY customer_id, field
            """).all()
        {
            guard let field = try row.decode(column: "field", as: String?.self) else { continue }
            times[try row.decode(column: "customer_id", as: UUID.self), default: [:]][field] =
                try row.decode(column: "at", as: Date.self)
        }
        return times
    }

    private static func transactionCounts(_ ids: [UUID], on sql: any SQLDatabase) async throws -> [UUID: Int] {
        var counts: [UUID: Int] = [:]
        for row in try await sql.raw("""
            SELECT customer_id, COUNT(*) AS n FROM transactions WHERE customer_id IN (\(binds: ids)) GROUP BY customer_id
            """).all()
        {
            counts[try row.decode(column: "customer_id", as: UUID.self)] = try row.decode(column: "n", as: Int.self)
        }
        return counts
    }

    private static func lastSeq(on sql: any SQLDatabase) async throws -> Int64 {
        try await sql.raw("SELECT COALESCE(MAX(seq), 0) AS seq FROM customer_events").first()?
            .decode(column: "seq", as: Int64.self) ?? 0
    }
}
