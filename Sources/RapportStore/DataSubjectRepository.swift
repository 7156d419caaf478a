import FluentKit
import Foundation
import RapportCore
import SQLKit

/// Data-subject requests (PIPL/GDPR): everything held about a customer, and its erasure
/// (`DataSubjectRepository+Erase.swift`). Both are recorded in the audit log.
public struct DataSubjectRepository: Sendable {
    let store: RapportDatabase

    /// Wraps the database.
    public init(_ store: RapportDatabase) {
        self.store = store
    }

    /// A crowd a customer is, or was, a member of.
    public struct CrowdMembershipRecord: Equatable, Sendable {
        public let crowdID: UUID
        /// The built-in crowd's key; nil for a user-defined crowd.
        public let key: String?
        public let name: String
        public let since: Date
        /// When the membership ended; nil while it lasts.
        public let until: Date?
    }

    /// Everything Rapport holds about one customer.
    public struct CustomerExport: Sendable {
        public let exportedAt: Date
        public let customer: StoredCustomer
        /// Its whole history, oldest first.
        public let events: [ChangeEvent]
        /// Oldest first.
        public let transactions: [Transaction]
        /// Oldest first.
        public let interactions: [Interaction]
        /// The crowds it is in now.
        public let crowdMemberships: [CrowdMembershipRecord]
        /// The memberships that ended.
        public let crowdExits: [CrowdMembershipRecord]
        /// Its value and scores, when a recompute has scored it, with the model that did.
        public let value: (row: CustomerValueRow, model: ValueModel)?
        /// The IDs other systems know it by: (source, ID), sorted.
        public let externalIDs: [(source: String, id: String)]
    }

    /// Everything held about a customer the caller may see, and an audit entry saying who exported it.
    /// - Throws: `StoreError.notFound` when there is no such customer or the caller may not see it.
    public func export(_ id: UUID, visibleTo visibility: CustomerVisibility, actor: Actor) async throws
        -> CustomerExport
    {
        let customer = try await CustomerRepository(store).find(id, visibleTo: visibility)
        let sql = store.database as! any SQLDatabase
        let events = try await CustomerEventModel.query(on: store.database).filter(\.$customerID == id)
            .sort(\.$occurredAt).sort(\.$id).all().map { try $0.toEvent() }
        let transactions = try await TransactionRows.all(of: id, on: sql)
            .sorted { ($0.occurredAt, $0.id.uuidString) < ($1.occurredAt, $1.id.uuidString) }
        let interactions = try await sql.select().columns(InteractionRows.columns.map { SQLColumn($0) })
            .from("interactions").where("customer_id", .equal, id).orderBy("occurred_at").orderBy("id").all()
            .map(InteractionRows.decode)
        let values = CustomerValueRepository(store)
        var value: (CustomerValueRow, ValueModel)?
        if let row = try await values.value(of: id, visibleTo: .all), let model = try await values.latestModel() {
            value = (row, model)
        }
        let exportedAt = store.clock.now()
        let export = CustomerExport(
            exportedAt: exportedAt, customer: customer, events: events, transactions: transactions,
            interactions: interactions, crowdMemberships: try await Self.memberships(of: customer.number, on: sql),
            crowdExits: try await Self.exits(of: customer.number, on: sql), value: value,
            externalIDs: try await Self.externalIDs(of: id, on: sql))
        let detail: JSONValue = .object([
            "number": .string(customer.number.description), "events": .number(Double(events.count)),
            "transactions": .number(Double(transactions.count)), "interactions": .number(Double(interactions.count)),
        ])
        try await AuditLog(store).append(.customer(id, actor: actor, action: .customerExported, detail: detail))
        return export
    }

    /// The crowds a customer is in now, the longest-standing first.
    static func memberships(of number: CustomerNumber, on sql: any SQLDatabase) async throws
        -> [CrowdMembershipRecord]
    {
        try await sql.raw("""
            SELECT c.id, c.key, c.name, m.since FROM crowd_members m JOIN crowds c ON c.id = m.crowd_id \
            WHERE m.number = \(bind: number.value) ORDER BY m.since, c.name
            """).all().map { row in
            CrowdMembershipRecord(
                crowdID: try row.decode(column: "id", as: UUID.self),
                key: try row.decode(column: "key", as: String?.self),
                name: try row.decode(column: "name", as: String.self),
                since: try row.decode(column: "since", as: Date.self), until: nil)
        }
    }

    /// A customer's ended crowd memberships, oldest first. (`crowd_exits` has no index by number: an export reads
    /// the table through, which is fine for a request this rare.)
    static func exits(of number: CustomerNumber, on sql: any SQLDatabase) async throws -> [CrowdMembershipRecord] {
        try await sql.raw("""
            SELECT c.id, c.key, c.name, e.since, e.until FROM crowd_exits e JOIN crowds c ON c.id = e.crowd_id \
            WHERE e.number = \(bind: number.value) ORDER BY e.since, e.until, c.name
            """).all().map { row in
            CrowdMembershipRecord(
                crowdID: try row.decode(column: "id", as: UUID.self),
                key: try row.decode(column: "key", as: String?.self),
                name: try row.decode(column: "name", as: String.self),
                since: try row.decode(column: "since", as: Date.self),
                until: try row.decode(column: "until", as: Date.self))
        }
    }

    /// The rows of `customer_external_ids` that point at a customer.
    static func externalIDs(of id: UUID, on sql: any SQLDatabase) async throws -> [(source: String, id: String)] {
        try await sql.select().columns("source", "external_id").from("customer_external_ids")
            .where("customer_id", .equal, id).orderBy("source").orderBy("external_id").all().map { row in
                (try row.decode(column: "source", as: String.self),
                 try row.decode(column: "external_id", as: String.self))
            }
    }
}
