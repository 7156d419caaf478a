import FluentKit
import Foundation
import RapportCore
import SQLKit

/// Imports purchases and refunds, recording each as `TransactionRepository.record` does — the same rows, product
/// upserts, `transaction` events, refund rules, stats and stage — but a batch at a time: a few queries find every
/// row's customer, known transaction and refunded purchase, the new transactions go in with multi-row inserts, and
/// each customer's stats and stage are refreshed once per batch. Events carry the import as their actor, `import` as
/// their source and the file's time as `occurred_at`. Crowds are decided once, when the run finishes.
///
/// A transaction is known by its order number (`external_id`) within its customer's source system, as in the API; a
/// row without one gets `ImportKeys.orderNumber`. A row whose order is already recorded with the same values is
/// `unchanged` and writes nothing; with other values, or for another customer, it is rejected — an import never
/// changes a recorded transaction.
public struct TransactionImporter: Sendable {
    let store: RapportDatabase
    let engine: LifecycleEngine

    /// Wraps the database; `engine` decides stages.
    public init(_ store: RapportDatabase, engine: LifecycleEngine) {
        self.store = store
        self.engine = engine
    }

    /// Decides what each item does and, unless `dryRun`, writes it, with the run's progress, in one transaction.
    /// `source` is the import's source system, the key of the external IDs that rows name customers by.
    /// `titles` gives the file's column titles of the document's members (`external_id` → 订单号), for messages.
    /// A dry run (`dryRun` not nil) writes nothing and remembers what it would have written for its next batches.
    public func importBatch(_ items: [ImportItem<TransactionImport>], run: ImportRun, source: String,
                            titles: [String: String] = [:], dryRun: ImportDryRun?) async throws -> [ImportOutcome]
    {
        let now = store.clock.now()
        let actor = Actor(kind: .import, id: run.id)
        let engine = self.engine
        return try await ImportJournal(store).commit(run, lastLine: items.flatMap(\.rows).map(\.line).max(),
                                                     dryRun: dryRun != nil) { database in
            try await Batch(source: source, database: database, engine: engine, now: now, actor: actor, titles: titles,
                            dryRun: dryRun).apply(items)
        }
    }
}

extension TransactionImporter {
    fileprivate struct Batch {
        let source: String
        let database: any Database
        let engine: LifecycleEngine
        let now: Date
        let actor: Actor
        /// The file's column titles of the document's members, for messages.
        let titles: [String: String]
        let dryRun: ImportDryRun?

        private var sql: any SQLDatabase { database as! any SQLDatabase }

        /// What the batch knows of transactions: those stored that its rows name, and those it creates.
        private struct Ledger {
            var byOrder: [String: Transaction] = [:]
            var byID: [UUID: Transaction] = [:]
            /// How much of each purchase is refunded, with this batch's refunds.
            var refunded: [UUID: Int64] = [:]
            /// Each customer's net spending, with this batch's transactions.
            var spent: [UUID: Int64] = [:]
            /// What this batch adds to `refunded` (of purchases it does not record) and `spent`.
            var refundedMore: [UUID: Int64] = [:]
            var spentMore: [UUID: Int64] = [:]

            static func key(_ source: String, _ order: String) -> String {
                ImportDryRun.key(source: source, order: order)
            }

            /// Adds a transaction; with its source system, also by its order number.
            mutating func add(_ transaction: Transaction, source: String?) {
                if let source, let order = transaction.externalID { byOrder[Self.key(source, order)] = transaction }
                byID[transaction.id] = transaction
                refunded[transaction.id] = transaction.refundedMinor
            }
        }

        func apply(_ items: [ImportItem<TransactionImport>]) async throws -> [ImportOutcome] {
            let resolver = CustomerResolver(source: source, sql: sql)
            let customers = try await resolver.resolve(items.map { try? $0.parsed.get().customer })
            var found: [UUID: CustomerResolver.Customer] = [:]
            for case .success(let customer)? in customers { found[customer.id] = customer }
            try await resolver.lock(Set(found.keys))
            // Each row's order number, given or derived, and the stored transactions rows name.
            let orders = zip(items, customers).map { item, customer -> String? in
                guard case .success(let transaction) = item.parsed, case .success(let customer)? = customer else {
                    return nil
                }
                return transaction.input.externalID
                    ?? ImportKeys.orderNumber(transaction, customerID: customer.id, occurrence: item.occurrence)
            }
            var ledger = Ledger()
            var wanted: [String: Set<String>] = [:]
            var wantedIDs: Set<UUID> = []
            for (item, (customer, order)) in zip(items, zip(customers, orders)) {
                guard case .success(let transaction) = item.parsed, case .success(let customer)? = customer,
                      let order else { continue }
                wanted[customer.source, default: []].insert(order)
                if let refunded = transaction.refundOfOrder { wanted[customer.source, default: []].insert(refunded) }
                if let refunded = transaction.input.refundOf { wantedIDs.insert(refunded) }
            }
            for (system, externalIDs) in wanted {
                for chunk in externalIDs.sorted().chunked(into: 500) {
                    for row in try await sql.select().columns(TransactionRows.columns.map { SQLColumn($0) })
                        .from("transactions").where("source", .equal, system)
                        .where("external_id", .in, Array(chunk)).all()
                    {
                        ledger.add(try TransactionRows.decode(row), source: system)
                    }
                }
            }
            for chunk in Array(wantedIDs).chunked(into: 500) {
                for row in try await sql.select().columns(TransactionRows.columns.map { SQLColumn($0) })
                    .from("transactions").where("id", .in, Array(chunk)).all()
                {
                    let transaction = try TransactionRows.decode(row)
                    if ledger.byID[transaction.id] == nil { ledger.add(transaction, source: nil) }
                }
            }
            if let dryRun {
                for (system, externalIDs) in wanted {
                    for order in externalIDs where ledger.byOrder[Ledger.key(system, order)] == nil {
                        if let transaction = dryRun.transaction(source: system, order: order) {
                            ledger.add(transaction, source: system)
                        }
                    }
                }
                for id in ledger.refunded.keys { ledger.refunded[id, default: 0] += dryRun.refundedMore(id) }
            }
            let stats = try await CustomerStatsTable.load(Array(found.keys), on: database)
            for (id, customerStats) in stats {
                ledger.spent[id] = customerStats.purchases.totalSpentMinor + (dryRun?.spentMore(id) ?? 0)
            }

            var outcomes: [ImportOutcome] = []
            var created: [(Transaction, source: String)] = []
            for (item, (customer, order)) in zip(items, zip(customers, orders)) {
                let outcome = decide(item, customer: customer, order: order, ledger: &ledger, created: &created)
                outcomes.append(outcome)
            }
            guard !created.isEmpty else { return outcomes }
            let stored = created.map { ($0.0.withRefunded(ledger.refunded[$0.0.id] ?? 0), $0.source) }
            let createdIDs = Set(created.map(\.0.id))
            if let dryRun {
                // The ledger decided every row; writing would only be rolled back, and could not refer to the rows
                // that earlier batches of the dry run remember but did not keep.
                dryRun.remember(stored, refunded: ledger.refundedMore.filter { !createdIDs.contains($0.key) },
                                spent: ledger.spentMore)
                return outcomes
            }
            try await TransactionRows.insert(stored, on: sql)
            for (id, refunded) in ledger.refunded where !createdIDs.contains(id) {
                guard let before = ledger.byID[id]?.refundedMinor, refunded != before else { continue }
                try await sql.raw("""
                    UPDATE transactions SET refunded_minor = refunded_minor + \(bind: refunded - before) \
                    WHERE id = \(bind: id)
                    """).run()
            }
            try await TransactionRows.upsertProducts(from: stored.map(\.0), at: now, on: sql)
            try await EventLog.append(stored.map { TransactionRepository.event($0.0, actor: actor, source: .import) },
                                      recordedAt: now, on: database)
            var seen: Set<UUID> = []
            let touched = try stored.map(\.0.customerID).filter { seen.insert($0).inserted }.map { id in
                guard let current = stats[id] else { throw StoreError.corrupt("customer \(id) has no stats row") }
                return (id, current)
            }
            try await CustomerStatsWriter(engine: engine).refresh(touched, scope: .purchases, now: now, actor: actor,
                                                                  source: .import, on: database)
            return outcomes
        }

        /// What one item does, given what the batch knows so far; a created transaction joins `created` and the
        /// ledger.
        private func decide(
            _ item: ImportItem<TransactionImport>, customer: Result<CustomerResolver.Customer, ValidationError>?,
            order: String?, ledger: inout Ledger, created: inout [(Transaction, source: String)]
        ) -> ImportOutcome {
            let transaction: TransactionImport
            switch item.parsed {
            case .failure(let error): return .rejected(line: item.line, error)
            case .success(let parsed): transaction = parsed
            }
            guard case .success(let customer)? = customer, let order else {
                if case .failure(let error)? = customer { return .rejected(line: item.line, error, titles: titles) }
                return .rejected(line: item.line, ValidationError(field: "customer", code: "unknown_customer",
                                                                  message: "the customer is not known"))
            }
            func reject(_ field: String, _ code: String, _ message: String) -> ImportOutcome {
                .rejected(line: item.line, ValidationError(field: field, code: code, message: message),
                          number: customer.number, titles: titles)
            }
            var input = transaction.input
            input.customerID = customer.id
            input.externalID = order
            do {
                input.occurredAt = try CustomerActivity.occurredAt(input.occurredAt, now: now)
            } catch {
                return reject("occurred_at", "in_future", "the time is in the future")
            }
            // The purchase a refund refunds, by ID or by order number within the customer's source.
            var purchase: Transaction?
            if let id = input.refundOf {
                purchase = ledger.byID[id]
            } else if let refunded = transaction.refundOfOrder {
                purchase = ledger.byOrder[Ledger.key(customer.source, refunded)]
                input.refundOf = purchase?.id
            }
            let detail = "\(input.kind.rawValue) \(order) \(Self.money(input.amountMinor, input.currency))"
            if let known = ledger.byOrder[Ledger.key(customer.source, order)] {
                // Compared as the API shows them: times to the millisecond, whatever the database gives back.
                let same = Transaction(input, id: known.id, recordedAt: known.recordedAt)
                if same.json(includingRefunded: false) == known.json(includingRefunded: false) {
                    return ImportOutcome(line: item.line, action: .unchanged, number: customer.number, changes: [],
                                         reasons: [], detail: detail)
                }
                let whose = known.customerID == customer.id ? "with other values (\(Self.differences(known, same)))"
                    : "for another customer"
                return reject("external_id", "conflict",
                              "order \(order) is already recorded \(whose) as transaction "
                                  + "\(UUIDText.format(known.id)); an import does not change recorded transactions")
            }
            if input.kind == .refund {
                if input.refundOf != nil || transaction.refundOfOrder != nil {
                    guard let purchase, purchase.customerID == customer.id, purchase.kind == .purchase else {
                        return reject("refund_of", "unknown_purchase",
                                      "no purchase of this customer is \(transaction.refundOfOrder ?? "this ID")")
                    }
                    let refundable = purchase.amountMinor - (ledger.refunded[purchase.id] ?? 0)
                    if input.amountMinor > refundable {
                        return reject("amount_minor", "exceeds_purchase",
                                      "the refund of \(input.amountMinor) exceeds what is left to refund of the "
                                          + "purchase, \(refundable)")
                    }
                    if input.occurredAt < purchase.occurredAt {
                        return reject("occurred_at", "before_purchase",
                                      "a refund cannot precede the purchase it refunds")
                    }
                } else if input.amountMinor > ledger.spent[customer.id] ?? 0 {
                    return reject("amount_minor", "exceeds_spending",
                                  "the refund of \(input.amountMinor) exceeds the customer's net spending, "
                                      + "\(ledger.spent[customer.id] ?? 0)")
                }
            }
            let recorded = Transaction(input, id: TimeOrderedID.make(at: now), recordedAt: now)
            created.append((recorded, customer.source))
            ledger.add(recorded, source: customer.source)
            let spending = input.kind == .purchase ? input.amountMinor : -input.amountMinor
            ledger.spent[customer.id, default: 0] += spending
            ledger.spentMore[customer.id, default: 0] += spending
            if let purchase = input.refundOf {
                ledger.refunded[purchase, default: 0] += input.amountMinor
                ledger.refundedMore[purchase, default: 0] += input.amountMinor
            }
            return ImportOutcome(line: item.line, action: .created, number: customer.number, changes: [], reasons: [],
                                 detail: detail)
        }

        /// `¥1,234.50`.
        static func money(_ minor: Int64, _ currency: String) -> String {
            let digits = MoneyText.minorDigits(of: currency)
            var divisor: Int64 = 1
            for _ in 0..<digits { divisor *= 10 }
            let whole = MoneyText.whole(minor: minor / divisor * divisor, currency: currency)
            guard digits > 0 else { return whole }
            let fraction = String(minor % divisor)
            return whole + "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }

        /// The members in which a recorded transaction and a row differ, for the message.
        static func differences(_ known: Transaction, _ row: Transaction) -> String {
            let old = known.json(includingRefunded: false).objectValue ?? [:]
            let new = row.json(includingRefunded: false).objectValue ?? [:]
            return old.keys.sorted().filter { old[$0] != new[$0] }.map { key in
                "\(key) \(old[key]?.encodedText() ?? "null") ≠ \(new[key]?.encodedText() ?? "null")"
            }.joined(separator: ", ")
        }
    }
}
