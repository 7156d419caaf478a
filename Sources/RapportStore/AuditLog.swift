import FluentKit
import Foundation
import RapportCore
import SQLKit

/// The audit log (`M0017_CreateAuditLog`): appending an entry, on its own or inside a caller's write, and reading
/// entries back newest first.
public struct AuditLog: Sendable {
    let store: RapportDatabase

    /// Wraps the database.
    public init(_ store: RapportDatabase) {
        self.store = store
    }

    /// Appends an entry in a write transaction of its own, stamped with the store's clock.
    @discardableResult
    public func append(_ entry: NewAuditEntry) async throws -> AuditEntry {
        let now = store.clock.now()
        return try await store.write { database in
            try await Self.append(entry, at: now, on: database)
        }
    }

    /// Appends an entry inside the caller's write transaction, so that it commits or rolls back with the action it
    /// records.
    @discardableResult
    static func append(_ entry: NewAuditEntry, at time: Date, on database: any Database) async throws -> AuditEntry {
        let stored = AuditEntry(id: TimeOrderedID.make(at: time), at: time, entry: entry)
        try await (database as! any SQLDatabase).insert(into: "audit_log").columns(columns)
            .values([
                SQLBind(stored.id), SQLBind(time), SQLBind(entry.actor.kind.rawValue), SQLBind(entry.actor.id),
                SQLBind(entry.action.rawValue), SQLBind(entry.targetKind), SQLBind(entry.targetID),
                SQLBind(entry.detail.encodedText()),
            ])
            .run()
        return stored
    }

    /// A position in the newest-first log: entries strictly older than it come next.
    public struct Position: Equatable, Sendable {
        public let at: Date
        public let id: UUID

        /// The position just after the entry of this instant and ID.
        public init(at: Date, id: UUID) {
            self.at = at
            self.id = id
        }

        /// The position just after `entry`.
        public init(after entry: AuditEntry) {
            at = entry.at
            id = entry.id
        }
    }

    /// A page of entries, newest first, optionally only those about one target or of one action.
    public func list(
        targetKind: String? = nil, targetID: String? = nil, action: AuditAction? = nil, after position: Position?,
        limit: Int
    ) async throws -> [AuditEntry] {
        let query = (store.database as! any SQLDatabase).select().columns(Self.columns.map { SQLColumn($0) })
            .from("audit_log")
        if let targetKind { query.where("target_kind", .equal, targetKind) }
        if let targetID { query.where("target_id", .equal, targetID) }
        if let action { query.where("action", .equal, action.rawValue) }
        if let position {
            query.where { group in
                group.where("at", .lessThan, position.at).orWhere { tie in
                    tie.where("at", .equal, position.at).where("id", .lessThan, position.id)
                }
            }
        }
        return try await query.orderBy("at", .descending).orderBy("id", .descending).limit(limit).all()
            .map(Self.decode)
    }

    static let columns = ["id", "at", "actor_kind", "actor_id", "action", "target_kind", "target_id", "detail"]

    private static func decode(_ row: any SQLRow) throws -> AuditEntry {
        let id = try row.decode(column: "id", as: UUID.self)
        guard let kind = Actor.Kind(rawValue: try row.decode(column: "actor_kind", as: String.self)),
            let detail = try? JSONValue.parse(Data(try row.decode(column: "detail", as: String.self).utf8))
        else { throw StoreError.corrupt("audit entry \(id) has a malformed row") }
        let entry = NewAuditEntry(
            actor: Actor(kind: kind, id: try row.decode(column: "actor_id", as: UUID?.self)),
            action: AuditAction(rawValue: try row.decode(column: "action", as: String.self)),
            targetKind: try row.decode(column: "target_kind", as: String?.self),
            targetID: try row.decode(column: "target_id", as: String?.self), detail: detail)
        return AuditEntry(id: id, at: try row.decode(column: "at", as: Date.self), entry: entry)
    }
}
