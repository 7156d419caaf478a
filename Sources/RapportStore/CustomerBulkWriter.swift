import FluentKit
import Foundation
import RapportCore
import SQLKit

/// A customer with its history, for writing in bulk: the demo business, benchmarks, imports of existing data.
public struct CustomerHistoryInput: Sendable {
    public let id: UUID
    public let createdAt: Date
    /// The fields as created.
    public let fields: CustomerFields
    /// Later versions of the fields, in time order, each complete.
    public let changes: [(at: Date, fields: CustomerFields)]
    /// Purchases and refunds in any order; refunds refer to purchases in the same list.
    public let transactions: [TransactionInput]
    public let transactionIDs: [UUID]
    public let interactions: [Interaction]

    /// A customer with history. `transactionIDs` are the IDs of `transactions`, position by position.
    public init(
        id: UUID, createdAt: Date, fields: CustomerFields, changes: [(at: Date, fields: CustomerFields)] = [],
        transactions: [TransactionInput] = [], transactionIDs: [UUID] = [], interactions: [Interaction] = []
    ) {
        precondition(transactions.count == transactionIDs.count, "one ID per transaction")
        self.id = id
        self.createdAt = createdAt
        self.fields = fields
        self.changes = changes
        self.transactions = transactions
        self.transactionIDs = transactionIDs
        self.interactions = interactions
    }
}

/// Writes many customers with their histories at once — one database transaction and a few multi-row SQLKit inserts
/// per batch — with the same rows, events, stats and stage periods that the one-by-one paths write.
public struct CustomerBulkWriter: Sendable {
    let store: RapportDatabase
    let engine: LifecycleEngine

    /// Wraps the database; `engine` decides stages.
    public init(_ store: RapportDatabase, engine: LifecycleEngine) {
        self.store = store
        self.engine = engine
    }

    /// How many rows of each kind a batch wrote.
    public struct Counts: Equatable, Sendable {
        public var customers = 0
        public var transactions = 0
        public var interactions = 0
        public var events = 0

        /// Counts of rows.
        public init(customers: Int = 0, transactions: Int = 0, interactions: Int = 0, events: Int = 0) {
            self.customers = customers
            self.transactions = transactions
            self.interactions = interactions
            self.events = events
        }

        /// Adds another batch's counts.
        public static func += (lhs: inout Counts, rhs: Counts) {
            lhs.customers += rhs.customers
            lhs.transactions += rhs.transactions
            lhs.interactions += rhs.interactions
            lhs.events += rhs.events
        }
    }

    /// A batch with its rows and events worked out, ready to write. Preparing is computation only, so a caller can
    /// prepare the next batch while the previous one is being written.
    public struct PreparedBatch: Sendable {
        fileprivate var customers: [NewCustomer] = []
        fileprivate var stats: [CustomerStats] = []
        fileprivate var events: [EventLog.EncodedEvent] = []
        fileprivate var transactions: [(Transaction, source: String)] = []
        fileprivate var interactions: [Interaction] = []
        fileprivate var periods: [ClosedPeriod] = []
        fileprivate var externalIDs: [[BulkValue]] = []
        fileprivate let preparedAt: Date
    }

    /// A customer row before it has a number: the number, and the search text that holds it, are given on writing.
    fileprivate struct NewCustomer: Sendable {
        let id: UUID
        let fields: CustomerFields
        let document: String
        let version: Int64
        let createdAt: Date
        let updatedAt: Date

        func row(number: Int64) -> [BulkValue] {
            [
                .uuid(id), .integer(number), .text(fields.kind.rawValue), .text(fields.name), BulkValue(fields.ownerID),
                BulkValue(fields.team), BulkValue(fields.source), BulkValue(fields.birthday?.description),
                .text(document), .text(CustomerSearch.text(number: CustomerNumber(number), fields: fields)),
                .integer(version), .date(createdAt), .date(updatedAt),
            ]
        }
    }

    /// Writes one batch: `prepare`, then `write`.
    public func write(_ batch: [CustomerHistoryInput], actor: Actor, source: EventSource) async throws -> Counts {
        try await write(prepare(batch, actor: actor, source: source))
    }

    /// Works out a batch's rows, events, stats and stage periods, as of the clock's now. The caller keeps batches
    /// to a few hundred customers.
    public func prepare(_ batch: [CustomerHistoryInput], actor: Actor, source: EventSource) -> PreparedBatch {
        Self.prepare(batch, engine: engine, at: store.clock.now(), actor: actor, source: source)
    }

    /// `prepare` with the engine and instant given.
    static func prepare(
        _ batch: [CustomerHistoryInput], engine: LifecycleEngine, at now: Date, actor: Actor, source: EventSource
    ) -> PreparedBatch {
        var prepared = PreparedBatch(preparedAt: now)
        for input in batch {
            // The first document is written twice, as the customer's row and as its creation event: encoded once.
            let firstDocument = input.fields.documentText
            let created = NewChangeEvent(customerID: input.id, family: .info, kind: .created, actor: actor,
                                         source: source, occurredAt: input.createdAt)
            var customerEvents = [EventLog.EncodedEvent(created, oldValue: nil, newValue: firstDocument)]
            var fields = input.fields
            for change in input.changes {
                customerEvents += CustomerHistory.changeEvents(
                    customerID: input.id, from: fields, to: change.fields, actor: actor, source: source, at: change.at)
                    .map(EventLog.EncodedEvent.init)
                fields = change.fields
            }
            let stored = Self.transactions(of: input, recordedAt: now)
            prepared.transactions += stored.map { ($0, fields.source ?? "") }
            customerEvents += stored.map {
                EventLog.EncodedEvent(TransactionRepository.event($0, actor: actor, source: source))
            }
            let customerInteractions = input.interactions.map { interaction in
                var stored = interaction.input
                stored.occurredAt = CustomerActivity.milliseconds(stored.occurredAt)
                return Interaction(id: interaction.id, input: stored, recordedAt: interaction.recordedAt)
            }
            prepared.interactions += customerInteractions
            customerEvents += customerInteractions.map {
                EventLog.EncodedEvent(InteractionRepository.event($0, actor: actor, source: source))
            }
            let initial = CustomerStats.initial(createdAt: input.createdAt)
            var stats = CustomerStats(
                purchases: PurchaseSummary(of: stored), interactions: Self.summary(of: customerInteractions, at: now),
                stage: initial.stage)
            var states: [StageState] = []
            for change in engine.changes(from: initial.stage, purchases: stats.purchases, at: now) {
                stats.stage = stats.stage.applying(change)
                states.append(stats.stage)
                customerEvents.append(
                    EventLog.EncodedEvent(change.event(customerID: input.id, actor: actor, source: source)))
            }
            prepared.periods += StagePeriods.closed(from: initial.stage, through: states, of: input.id)
            prepared.events += customerEvents.sorted { $0.event.occurredAt < $1.event.occurredAt }
            for (system, externalID) in fields.externalIDs {
                prepared.externalIDs.append([.text(system), .text(externalID), .uuid(input.id)])
            }
            prepared.customers.append(NewCustomer(
                id: input.id, fields: fields, document: input.changes.isEmpty ? firstDocument : fields.documentText,
                version: Int64(1 + input.changes.count), createdAt: input.createdAt,
                updatedAt: input.changes.last?.at ?? input.createdAt))
            prepared.stats.append(stats)
        }
        return prepared
    }

    /// Writes a prepared batch in one transaction: numbers the customers, then inserts every row. External IDs must
    /// not be taken already; a taken one fails the whole batch.
    public func write(_ prepared: PreparedBatch) async throws -> Counts {
        guard !prepared.customers.isEmpty else { return Counts() }
        return try await store.write(bulk: true) { database in try await Self.write(prepared, on: database).counts }
    }

    /// `write` inside the caller's transaction (an import's batch); also gives the customers' numbers, in order.
    static func write(_ prepared: PreparedBatch, on database: any Database) async throws
        -> (counts: Counts, numbers: [CustomerNumber])
    {
        guard !prepared.customers.isEmpty else { return (Counts(), []) }
        let firstNumber = try await Counter.customerNumber.reserve(Int64(prepared.customers.count), on: database)
        let numbers = prepared.customers.indices.map { firstNumber + Int64($0) }
        try await BulkInsert.insert(into: "customers", columns: customerColumns,
                                    rows: zip(prepared.customers, numbers).map { $0.row(number: $1) }, on: database)
        try await CustomerStatsTable.insert(
            prepared.customers.indices.map { (numbers[$0], prepared.customers[$0].id, prepared.stats[$0]) },
            on: database)
        try await BulkInsert.insert(into: "customer_external_ids", columns: ["source", "external_id", "customer_id"],
                                    rows: prepared.externalIDs, on: database)
        try await CustomerContacts.insert(prepared.customers.map { ($0.id, $0.fields) }, on: database)
        let sql = database as! any SQLDatabase
        try await TransactionRows.insert(prepared.transactions, on: sql)
        try await TransactionRows.upsertProducts(from: prepared.transactions.map(\.0), at: prepared.preparedAt,
                                                 on: sql)
        try await InteractionRows.insert(prepared.interactions, on: sql)
        try await StagePeriods.insert(prepared.periods, on: sql)
        try await EventLog.append(encoded: prepared.events, recordedAt: prepared.preparedAt, on: database)
        let counts = Counts(customers: prepared.customers.count, transactions: prepared.transactions.count,
                            interactions: prepared.interactions.count, events: prepared.events.count)
        return (counts, numbers.map(CustomerNumber.init))
    }

    /// The stored transactions of a customer, with each purchase's refunded amount summed from its refunds.
    private static func transactions(of input: CustomerHistoryInput, recordedAt: Date) -> [Transaction] {
        var refunded: [UUID: Int64] = [:]
        for refund in input.transactions where refund.kind == .refund {
            if let purchase = refund.refundOf { refunded[purchase, default: 0] += refund.amountMinor }
        }
        return zip(input.transactions, input.transactionIDs).map { transaction, id in
            var stored = transaction
            stored.occurredAt = CustomerActivity.milliseconds(transaction.occurredAt)
            return Transaction(stored, id: id, recordedAt: recordedAt).withRefunded(refunded[id] ?? 0)
        }
    }

    /// The interaction stats of a customer at `now`.
    private static func summary(of interactions: [Interaction], at now: Date) -> InteractionSummary {
        let windowStart = InteractionSummary.windowStart(endingAt: now)
        var counts: [InteractionChannel: Int] = [:]
        var last: Date?
        for interaction in interactions where interaction.input.occurredAt <= now {
            let time = interaction.input.occurredAt
            last = max(last ?? time, time)
            if time > windowStart { counts[interaction.input.channel, default: 0] += 1 }
        }
        return InteractionSummary(lastInteractionAt: last, recentByChannel: counts)
    }

    static let customerColumns = [
        "id", "number", "kind", "name", "owner_id", "team", "source", "birthday", "document", "search_text", "version",
        "created_at", "updated_at",
    ]
}
