import FluentKit
import FluentSQL
import Foundation
import RapportCore
import SQLKit
import SQLiteNIO

/// The append-only change log: appending inside a write, and the three ways of reading it back.
public struct EventLog: Sendable {
    let store: RapportDatabase

    /// Wraps the database.
    public init(_ store: RapportDatabase) {
        self.store = store
    }

    /// An event with its values already written as JSON text, so that bulk work can encode on several cores.
    struct EncodedEvent: Sendable {
        let event: NewChangeEvent
        let oldValue: String?
        let newValue: String?

        /// Encodes an event. A JSON null is stored as SQL NULL; `toEvent` reads it back as JSON null for field
        /// changes.
        init(_ event: NewChangeEvent) {
            func text(_ value: JSONValue?) -> String? { value.flatMap { $0 == .null ? nil : $0.encodedText() } }
            self.event = event
            oldValue = text(event.oldValue)
            newValue = text(event.newValue)
        }

        /// An event whose values are given as JSON text (the event's own are ignored): for many events sharing a
        /// value, encoded once.
        init(_ event: NewChangeEvent, oldValue: String?, newValue: String?) {
            self.event = event
            self.oldValue = oldValue
            self.newValue = newValue
        }
    }

    /// Appends events inside the caller's transaction, numbering them from the global sequence, in multi-row
    /// inserts.
    static func append(_ events: [NewChangeEvent], recordedAt: Date, on database: any Database) async throws {
        try await append(encoded: events.map(EncodedEvent.init), recordedAt: recordedAt, on: database)
    }

    /// Appends events whose values are already encoded.
    static func append(encoded events: [EncodedEvent], recordedAt: Date, on database: any Database) async throws {
        guard !events.isEmpty else { return }
        let first = try await Counter.eventSeq.reserve(Int64(events.count), on: database)
        let rows: [[BulkValue]] = events.enumerated().map { offset, encoded in
            let event = encoded.event
            return [
                .integer(first + Int64(offset)), .uuid(event.customerID), .text(event.family.rawValue),
                .text(event.kind.rawValue), BulkValue(event.field), BulkValue(encoded.oldValue),
                BulkValue(encoded.newValue), .text(event.actor.kind.rawValue), BulkValue(event.actor.id),
                .text(event.source.rawValue), .date(event.occurredAt), .date(recordedAt),
            ]
        }
        try await BulkInsert.insert(into: "customer_events", columns: columns, rows: rows, on: database)
    }

    static let columns = [
        "seq", "customer_id", "family", "kind", "field", "old_value", "new_value", "actor_kind", "actor_id", "source",
        "occurred_at", "recorded_at",
    ]

    /// A position in a customer's timeline, newest first: events strictly older than it come next.
    public struct TimelinePosition: Equatable, Sendable {
        public let occurredAt: Date
        public let seq: Int64

        /// The position just after `event` in newest-first order.
        public init(after event: ChangeEvent) {
            occurredAt = event.event.occurredAt
            seq = event.seq
        }

        /// Decodes an API cursor; nil when it is not one.
        public init?(cursor: String) {
            guard let values = PageCursor.decode(cursor, count: 2) else { return nil }
            occurredAt = Date(timeIntervalSince1970: Double(values[0]) / 1000)
            seq = values[1]
        }

        /// The API cursor for this position.
        public var cursor: String {
            PageCursor.encode([Int64((occurredAt.timeIntervalSince1970 * 1000).rounded()), seq])
        }
    }

    /// One customer's events, newest first (by when they occurred, then by sequence).
    public func timeline(
        of customerID: UUID, family: EventFamily?, after position: TimelinePosition?, limit: Int
    ) async throws -> [ChangeEvent] {
        let query = CustomerEventModel.query(on: store.database).filter(\.$customerID == customerID)
        if let family { query.filter(\.$family == family.rawValue) }
        if let position {
            query.group(.or) { or in
                or.filter(\.$occurredAt < position.occurredAt)
                or.group(.and) { and in
                    and.filter(\.$occurredAt == position.occurredAt).filter(\.$id < position.seq)
                }
            }
        }
        return try await query.sort(\.$occurredAt, .descending).sort(\.$id, .descending).limit(limit).all()
            .map { try $0.toEvent() }
    }

    /// The sequence number of the latest event, 0 when there is none: it grows with every change to any customer, so
    /// figures computed at one value are current as long as it stays.
    public func latestSeq() async throws -> Int64 {
        let sql = store.database as! any SQLDatabase
        return try await sql.raw("SELECT MAX(seq) AS seq FROM customer_events").first()?
            .decode(column: "seq", as: Int64?.self) ?? 0
    }

    /// Every event of one customer that occurred at or before `instant`, for replay.
    public func history(of customerID: UUID, upTo instant: Date) async throws -> [ChangeEvent] {
        try await CustomerEventModel.query(on: store.database)
            .filter(\.$customerID == customerID)
            .filter(\.$occurredAt <= CustomerHistory.latestIncluded(at: instant))
            .sort(\.$id)
            .all()
            .map { try $0.toEvent() }
    }

    /// The global change feed: events with `seq` greater than `after`, oldest first. The customer filter applies
    /// the caller's visibility, so an agent's feed holds only their customers' events.
    public func feed(after seq: Int64, limit: Int, visibleTo visibility: CustomerVisibility) async throws -> [ChangeEvent] {
        let query = CustomerEventModel.query(on: store.database).filter(\.$id > seq)
        if case .ownedBy(let userID, let team) = visibility {
            query.filter(.sql(embed: """
                customer_id IN (SELECT id FROM customers WHERE owner_id = \(bind: userID) OR team = \(bind: team))
                """))
        }
        return try await query.sort(\.$id).limit(limit).all().map { try $0.toEvent() }
    }
}
