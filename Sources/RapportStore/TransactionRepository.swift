import FluentKit
import Foundation
import RapportCore
import SQLKit

/// Records purchases and refunds, and reads them back. Recording one also upserts its products, appends its
/// `transaction` event, and refreshes the customer's aggregates and stage, all in one database transaction.
public struct TransactionRepository: Sendable {
    let store: RapportDatabase
    let engine: LifecycleEngine

    /// Wraps the database; `engine` decides stages.
    public init(_ store: RapportDatabase, engine: LifecycleEngine) {
        self.store = store
        self.engine = engine
    }

    /// Records a transaction for a customer the caller may see.
    /// - Throws: `StoreError.invalid` for an unknown customer, a refund that exceeds what it refunds or refers to
    ///   another customer's purchase, or a time in the future; `StoreError.conflict` when the external ID is taken.
    public func record(
        _ input: TransactionInput, visibleTo visibility: CustomerVisibility, actor: Actor, source: EventSource
    ) async throws -> Transaction {
        let now = store.clock.now()
        let engine = self.engine
        return try await store.write { database in
            let sql = database as! any SQLDatabase
            let customer = try await CustomerActivity.lockCustomer(input.customerID, visibleTo: visibility,
                                                                   on: database)
            let occurredAt = try CustomerActivity.occurredAt(input.occurredAt, now: now)
            let system = customer.source ?? ""
            if let externalID = input.externalID {
                let existing = try await sql.select().column("id").from("transactions")
                    .where("source", .equal, system).where("external_id", .equal, externalID).first()
                if let existing {
                    let id = try existing.decode(column: "id", as: UUID.self)
                    throw StoreError.conflict(
                        "external_id \(externalID) is already recorded as transaction \(UUIDText.format(id))")
                }
            }
            var stored = input
            stored.occurredAt = occurredAt
            let transaction = Transaction(stored, id: TimeOrderedID.make(at: now), recordedAt: now)
            let stats = try await CustomerStatsTable.load(input.customerID, on: database)
            if input.kind == .refund {
                try await Self.checkRefund(transaction, spent: stats.purchases.totalSpentMinor, on: sql)
            }
            try await TransactionRows.insert([(transaction, system)], on: sql)
            if let purchase = transaction.refundOf {
                try await sql.raw("""
                    UPDATE transactions SET refunded_minor = refunded_minor + \(bind: transaction.amountMinor) \
                    WHERE id = \(bind: purchase)
                    """).run()
            }
            try await TransactionRows.upsertProducts(from: [transaction], at: now, on: sql)
            try await EventLog.append([Self.event(transaction, actor: actor, source: source)], recordedAt: now,
                                      on: database)
            _ = try await CustomerStatsWriter(engine: engine).refresh(
                input.customerID, from: stats, scope: .purchases, now: now, actor: actor,
                source: source, on: database)
            try await CrowdMembership.refresh(input.customerID, at: now, on: database)
            return transaction
        }
    }

    /// One transaction, if the caller may see its customer.
    public func find(_ id: UUID, visibleTo visibility: CustomerVisibility) async throws -> Transaction {
        let sql = store.database as! any SQLDatabase
        guard let transaction = try await TransactionRows.find(id, on: sql) else { throw StoreError.notFound }
        _ = try await CustomerRepository(store).find(transaction.customerID, visibleTo: visibility)
        return transaction
    }

    /// A page of a customer's transactions, newest first.
    public func list(
        of customerID: UUID, visibleTo visibility: CustomerVisibility, after position: RowPosition?, limit: Int
    ) async throws -> [Transaction] {
        _ = try await CustomerRepository(store).find(customerID, visibleTo: visibility)
        return try await RowPosition.page(
            of: "transactions", columns: TransactionRows.columns, customerID: customerID, after: position, limit: limit,
            on: store.database as! any SQLDatabase
        ).map(TransactionRows.decode)
    }

    /// The `transaction`-family event of a transaction: the transaction itself as it was recorded.
    static func event(_ transaction: Transaction, actor: Actor, source: EventSource) -> NewChangeEvent {
        NewChangeEvent(
            customerID: transaction.customerID, family: .transaction,
            kind: transaction.kind == .purchase ? .purchase : .refund,
            newValue: transaction.json(includingRefunded: false), actor: actor, source: source,
            occurredAt: transaction.occurredAt)
    }

    /// A refund may not exceed what it refunds: the rest of its purchase, or the customer's net spending.
    private static func checkRefund(_ refund: Transaction, spent: Int64, on sql: any SQLDatabase) async throws {
        func invalid(_ field: String, _ code: String, _ message: String) -> StoreError {
            StoreError.invalid(ValidationError(field: field, code: code, message: message))
        }
        guard let purchaseID = refund.refundOf else {
            if refund.amountMinor > spent {
                throw invalid("amount_minor", "exceeds_spending",
                              "the refund of \(refund.amountMinor) exceeds the customer's net spending, \(spent)")
            }
            return
        }
        guard let purchase = try await TransactionRows.find(purchaseID, on: sql),
            purchase.customerID == refund.customerID, purchase.kind == .purchase
        else { throw invalid("refund_of", "unknown_purchase", "no purchase of this customer has this ID") }
        let refundable = purchase.amountMinor - purchase.refundedMinor
        if refund.amountMinor > refundable {
            throw invalid("amount_minor", "exceeds_purchase",
                          "the refund of \(refund.amountMinor) exceeds what is left to refund of the purchase, "
                          + "\(refundable)")
        }
        if refund.occurredAt < purchase.occurredAt {
            throw invalid("occurred_at", "before_purchase", "a refund cannot precede the purchase it refunds")
        }
    }
}
