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
        fileprivate var models: [CustomerModel] = []
        fileprivate var fields: [CustomerFields] = []
        fileprivate var stats: [CustomerStats] = []
        fileprivate var events: [NewChangeEvent] = []
        fileprivate var transactions: [(Transaction, source: String)] = []
        fileprivate var interactions: [Interaction] = []
        fileprivate var periods: [ClosedPeriod] = []
        fileprivate var externalIDs: [(String, String, UUID)] = []
        fileprivate let preparedAt: Date

        /// The customers' numbers, once written.
        var numbers: [CustomerNumber] { models.map { CustomerNumber($0.number) } }
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
            let created = Customer(id: input.id, number: CustomerNumber(0), fields: input.fields,
                                   createdAt: input.createdAt, updatedAt: input.createdAt, archivedAt: nil, version: 1)
            var customerEvents = CustomerHistory.creationEvents(of: created, actor: actor, source: source)
            var fields = input.fields
            for change in input.changes {
                customerEvents += CustomerHistory.changeEvents(
                    customerID: input.id, from: fields, to: change.fields, actor: actor, source: source, at: change.at)
                fields = change.fields
            }
            let stored = Self.transactions(of: input, recordedAt: now)
            prepared.transactions += stored.map { ($0, fields.source ?? "") }
            customerEvents += stored.map { TransactionRepository.event($0, actor: actor, source: source) }
            let customerInteractions = input.interactions.map { interaction in
                var stored = interaction.input
                stored.occurredAt = CustomerActivity.milliseconds(stored.occurredAt)
                return Interaction(id: interaction.id, input: stored, recordedAt: interaction.recordedAt)
            }
            prepared.interactions += customerInteractions
            customerEvents += customerInteractions.map { InteractionRepository.event($0, actor: actor, source: source) }
            let initial = CustomerStats.initial(createdAt: input.createdAt)
            var stats = CustomerStats(
                purchases: PurchaseSummary(of: stored), interactions: Self.summary(of: customerInteractions, at: now),
                stage: initial.stage)
            var states: [StageState] = []
            for change in engine.changes(from: initial.stage, purchases: stats.purchases, at: now) {
                stats.stage = stats.stage.applying(change)
                states.append(stats.stage)
                customerEvents.append(change.event(customerID: input.id, actor: actor, source: source))
            }
            prepared.periods += StagePeriods.closed(from: initial.stage, through: states, of: input.id)
            prepared.events += customerEvents.sorted { $0.occurredAt < $1.occurredAt }
            for (system, externalID) in fields.externalIDs {
                prepared.externalIDs.append((system, externalID, input.id))
            }
            let model = CustomerModel()
            model.id = input.id
            model.number = 0
            model.apply(fields)
            model.version = Int64(1 + input.changes.count)
            model.createdAt = input.createdAt
            model.updatedAt = input.changes.last?.at ?? input.createdAt
            prepared.models.append(model)
            prepared.fields.append(fields)
            prepared.stats.append(stats)
        }
        return prepared
    }

    /// Writes a prepared batch in one transaction: numbers the customers, then inserts every row. External IDs must
    /// not be taken already; a taken one fails the whole batch.
    public func write(_ prepared: PreparedBatch) async throws -> Counts {
        guard !prepared.models.isEmpty else { return Counts() }
        return try await store.write(bulk: true) { database in try await Self.write(prepared, on: database) }
    }

    /// `write` inside the caller's transaction (an import's batch). On return `prepared.numbers` are the customers'
    /// numbers.
    static func write(_ prepared: PreparedBatch, on database: any Database) async throws -> Counts {
        guard !prepared.models.isEmpty else { return Counts() }
        let sql = database as! any SQLDatabase
        let firstNumber = try await Counter.customerNumber.reserve(Int64(prepared.models.count), on: database)
        for (offset, model) in prepared.models.enumerated() {
            model.number = firstNumber + Int64(offset)
            model.searchText = CustomerSearch.text(number: CustomerNumber(model.number),
                                                   fields: prepared.fields[offset])
        }
        try await Self.insert(prepared.models, on: sql)
        try await CustomerStatsTable.insert(
            prepared.models.indices.map { (prepared.models[$0].number, prepared.models[$0].id!, prepared.stats[$0]) },
            on: sql)
        for chunk in prepared.externalIDs.chunked(into: 1000) {
            let insert = sql.insert(into: "customer_external_ids").columns("source", "external_id", "customer_id")
            for (system, externalID, customerID) in chunk {
                insert.values(SQLBind(system), SQLBind(externalID), SQLBind(customerID))
            }
            try await insert.run()
        }
        try await CustomerContacts.insert(
            prepared.models.indices.map { (prepared.models[$0].id!, prepared.fields[$0]) }, on: sql)
        try await TransactionRows.insert(prepared.transactions, on: sql)
        try await TransactionRows.upsertProducts(from: prepared.transactions.map(\.0), at: prepared.preparedAt,
                                                 on: sql)
        try await InteractionRows.insert(prepared.interactions, on: sql)
        try await StagePeriods.insert(prepared.periods, on: sql)
        try await EventLog.append(prepared.events, recordedAt: prepared.preparedAt, on: database)
        return Counts(customers: prepared.models.count, transactions: prepared.transactions.count,
                      interactions: prepared.interactions.count, events: prepared.events.count)
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

    private static func insert(_ models: [CustomerModel], on sql: any SQLDatabase) async throws {
        for chunk in models.chunked(into: 400) {
            let insert = sql.insert(into: "customers").columns(customerColumns)
            for model in chunk {
                insert.values([
                    SQLBind(model.id), SQLBind(model.number), SQLBind(model.kind), SQLBind(model.name),
                    SQLBind(model.ownerID), SQLBind(model.team), SQLBind(model.source), SQLBind(model.birthday),
                    SQLBind(model.document), SQLBind(model.searchText), SQLBind(model.version),
                    SQLBind(model.createdAt), SQLBind(model.updatedAt),
                ])
            }
            try await insert.run()
        }
    }
}
