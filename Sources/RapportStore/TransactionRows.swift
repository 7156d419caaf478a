import FluentKit
import Foundation
import RapportCore
import SQLKit

/// Reads and writes rows of `transactions`.
enum TransactionRows {
    static let columns = [
        "id", "customer_id", "external_id", "kind", "occurred_at", "recorded_at", "currency", "amount_minor",
        "refunded_minor", "channel", "refund_of", "lines",
    ]

    /// Every transaction of a customer.
    static func all(of customerID: UUID, on sql: any SQLDatabase) async throws -> [Transaction] {
        try await sql.select().columns(columns.map { SQLColumn($0) }).from("transactions")
            .where("customer_id", .equal, customerID).all().map(decode)
    }

    /// The purchase aggregates of several customers, read in one query per 500 (the columns they need, not the
    /// lines). Customers without transactions are absent.
    static func summaries(of customerIDs: [UUID], on sql: any SQLDatabase) async throws -> [UUID: PurchaseSummary] {
        var transactions: [UUID: [Transaction]] = [:]
        for chunk in customerIDs.chunked(into: 500) {
            for row in try await sql.select()
                .columns("id", "customer_id", "kind", "occurred_at", "amount_minor", "refunded_minor", "currency")
                .from("transactions").where("customer_id", .in, Array(chunk)).all()
            {
                let id = try row.decode(column: "id", as: UUID.self)
                let customerID = try row.decode(column: "customer_id", as: UUID.self)
                guard let kind = TransactionKind(rawValue: try row.decode(column: "kind", as: String.self)) else {
                    throw StoreError.corrupt("transaction \(id) has a malformed row")
                }
                let occurredAt = try row.decode(column: "occurred_at", as: Date.self)
                transactions[customerID, default: []].append(Transaction(
                    id: id, customerID: customerID, externalID: nil, kind: kind, occurredAt: occurredAt,
                    recordedAt: occurredAt, currency: try row.decode(column: "currency", as: String.self), lines: [],
                    amountMinor: try row.decode(column: "amount_minor", as: Int64.self),
                    refundedMinor: try row.decode(column: "refunded_minor", as: Int64.self), channel: nil,
                    refundOf: nil))
            }
        }
        return transactions.mapValues(PurchaseSummary.init(of:))
    }

    /// One transaction by ID.
    static func find(_ id: UUID, on sql: any SQLDatabase) async throws -> Transaction? {
        try await sql.select().columns(columns.map { SQLColumn($0) }).from("transactions")
            .where("id", .equal, id).first().map(decode)
    }

    static func decode(_ row: any SQLRow) throws -> Transaction {
        let id = try row.decode(column: "id", as: UUID.self)
        guard let kind = TransactionKind(rawValue: try row.decode(column: "kind", as: String.self)),
            let lines = try? JSONDecoder().decode(
                [TransactionLine].self, from: Data(try row.decode(column: "lines", as: String.self).utf8))
        else { throw StoreError.corrupt("transaction \(id) has a malformed row") }
        return Transaction(
            id: id, customerID: try row.decode(column: "customer_id", as: UUID.self),
            externalID: try row.decode(column: "external_id", as: String?.self), kind: kind,
            occurredAt: try row.decode(column: "occurred_at", as: Date.self),
            recordedAt: try row.decode(column: "recorded_at", as: Date.self),
            currency: try row.decode(column: "currency", as: String.self),
            lines: lines, amountMinor: try row.decode(column: "amount_minor", as: Int64.self),
            refundedMinor: try row.decode(column: "refunded_minor", as: Int64.self),
            channel: try row.decode(column: "channel", as: String?.self),
            refundOf: try row.decode(column: "refund_of", as: UUID?.self))
    }

    /// Inserts transactions in multi-row statements. `sources` gives each one's source system (see
    /// `M0009_CreateTransactions`).
    static func insert(_ transactions: [(Transaction, source: String)], on sql: any SQLDatabase) async throws {
        for chunk in transactions.chunked(into: 500) {
            let insert = sql.insert(into: "transactions").columns(columns + ["source"])
            for (transaction, source) in chunk {
                insert.values([
                    SQLBind(transaction.id), SQLBind(transaction.customerID), SQLBind(transaction.externalID),
                    SQLBind(transaction.kind.rawValue), SQLBind(transaction.occurredAt),
                    SQLBind(transaction.recordedAt), SQLBind(transaction.currency), SQLBind(transaction.amountMinor),
                    SQLBind(transaction.refundedMinor), SQLBind(transaction.channel), SQLBind(transaction.refundOf),
                    SQLBind(linesText(transaction.lines)), SQLBind(source),
                ])
            }
            try await insert.run()
        }
    }

    static func linesText(_ lines: [TransactionLine]) -> String {
        JSONValue.array(lines.map(\.json)).encodedText()
    }

    /// Adds the catalogue entries of the lines' products, or refreshes their name, category and last sale.
    static func upsertProducts(from transactions: [Transaction], at now: Date, on sql: any SQLDatabase) async throws {
        var latest: [String: (line: TransactionLine, first: Date, last: Date)] = [:]
        for transaction in transactions where transaction.kind == .purchase {
            for line in transaction.lines {
                if let known = latest[line.sku] {
                    let newer = transaction.occurredAt >= known.last
                    latest[line.sku] = (newer ? line : known.line, min(known.first, transaction.occurredAt),
                                        max(known.last, transaction.occurredAt))
                } else {
                    latest[line.sku] = (line, transaction.occurredAt, transaction.occurredAt)
                }
            }
        }
        guard !latest.isEmpty else { return }
        for chunk in latest.sorted(by: { $0.key < $1.key }).chunked(into: 500) {
            var query: SQLQueryString = """
                INSERT INTO products (sku, name, category, first_sold_at, last_sold_at, updated_at) VALUES 
                """
            for (index, (sku, entry)) in chunk.enumerated() {
                if index > 0 { query += ", " }
                query += """
                    (\(bind: sku), \(bind: entry.line.name), \(bind: entry.line.category), \(bind: entry.first), \
                    \(bind: entry.last), \(bind: now))
                    """
            }
            // The name and category of the latest sale win; the first and last sale only widen.
            query += """
                 ON CONFLICT (sku) DO UPDATE SET \
                name = CASE WHEN excluded.last_sold_at >= products.last_sold_at THEN excluded.name ELSE products.name END, \
                category = CASE WHEN excluded.last_sold_at >= products.last_sold_at \
                THEN COALESCE(excluded.category, products.category) ELSE products.category END, \
                first_sold_at = CASE WHEN excluded.first_sold_at < products.first_sold_at \
                THEN excluded.first_sold_at ELSE products.first_sold_at END, \
                last_sold_at = CASE WHEN excluded.last_sold_at > products.last_sold_at \
                THEN excluded.last_sold_at ELSE products.last_sold_at END, \
                updated_at = excluded.updated_at
                """
            try await sql.raw(query).run()
        }
    }
}
