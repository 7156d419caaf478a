import FluentKit
import Foundation
import RapportCore
import SQLKit
import SQLiteNIO

/// A stored value row's digest and marks: what an analytics run compares its results with.
public struct StoredValueMark: Sendable {
    public let digest: Int64
    public let marks: ValueMarks?
}

/// A churn warning as the list shows it: the customer and its warning.
public struct ChurnWarningRow: Equatable, Sendable {
    public let customerID: UUID
    public let number: Int64
    public let name: String
    public let stage: String
    public let value: CustomerValueRow
}

/// Reads and writes what the analytics engine derives: customers' values, the fitted models and the product
/// affinities.
public struct CustomerValueRepository: Sendable {
    let store: RapportDatabase

    /// Wraps the database.
    public init(_ store: RapportDatabase) {
        self.store = store
    }

    /// Every stored value's digest and marks, by customer number.
    public func storedMarks() async throws -> [Int64: StoredValueMark] {
        let query = "SELECT number, digest, tier, abc, rfm_group, frequency_shift, basket_shift FROM customer_values"
        let collected = MarkCollector()
        if let readers = store.readers {
            let connection = try await readers.connection(on: store.database.eventLoop).get()
            try await connection.query(query, []) { row in
                func text(_ name: String) -> String? {
                    if case .text(let value)? = row.column(name) { return value }
                    return nil
                }
                guard case .integer(let number)? = row.column("number"), case .integer(let digest)? = row.column("digest")
                else { return }
                collected.marks[Int64(number)] = StoredValueMark(
                    digest: Int64(digest),
                    marks: Self.marks(tier: text("tier"), abc: text("abc"), group: text("rfm_group"),
                                 frequency: text("frequency_shift"), basket: text("basket_shift")))
            }
        } else {
            try await (store.database as! any SQLDatabase).raw(SQLQueryString(query)).run { row in
                guard let number = try? row.decode(column: "number", as: Int64.self),
                    let digest = try? row.decode(column: "digest", as: Int64.self)
                else { return }
                func text(_ name: String) -> String? { try? row.decode(column: name, as: String?.self) }
                collected.marks[number] = StoredValueMark(
                    digest: digest,
                    marks: Self.marks(tier: text("tier"), abc: text("abc"), group: text("rfm_group"),
                                 frequency: text("frequency_shift"), basket: text("basket_shift")))
            }
        }
        return collected.marks
    }

    private static func marks(
        tier: String?, abc: String?, group: String?, frequency: String?, basket: String?
    ) -> ValueMarks? {
        guard let tier = tier.flatMap(ValueTier.init(rawValue:)), let abc = abc.flatMap(ABCClass.init(rawValue:)),
            let group = group.flatMap(RFMGroup.init(rawValue:))
        else { return nil }
        return ValueMarks(tier: tier, abc: abc, rfmGroup: group,
                          frequencyShift: frequency.flatMap(BehaviourShift.init(rawValue:)),
                          basketShift: basket.flatMap(BehaviourShift.init(rawValue:)))
    }

    /// Saves a run: upserts `rows` (only those that changed, as the caller found by their digests), removes the values
    /// of customers numbered `removing` (no purchase left), appends `events`, records `model` and replaces the product
    /// affinities. Rows go in transactions of `pageSize`, so other writers are not held up for long.
    public func save(
        rows: [CustomerValueRow], removing: [Int64], events: [NewChangeEvent], model: ValueModel,
        affinities: [ProductAffinity], pageSize: Int = 20_000, progress: @Sendable (Int, Int) -> Void = { _, _ in }
    ) async throws {
        var done = 0
        for page in rows.chunked(into: pageSize) {
            try await store.write(bulk: true) { database in
                try await Self.upsert(Array(page), on: database as! any SQLDatabase)
            }
            done += page.count
            progress(done, rows.count)
        }
        let recordedAt = store.clock.now()
        for page in events.chunked(into: pageSize) {
            try await store.write(bulk: true) { database in
                try await EventLog.append(Array(page), recordedAt: recordedAt, on: database)
            }
        }
        try await store.write { database in
            let sql = database as! any SQLDatabase
            for chunk in removing.chunked(into: 500) {
                try await sql.delete(from: "customer_values").where("number", .in, Array(chunk)).run()
            }
            try await Self.insert(model, on: sql)
            try await sql.delete(from: "product_affinities").run()
            for chunk in affinities.chunked(into: 500) {
                let insert = sql.insert(into: "product_affinities")
                    .columns("sku", "other_sku", "buyers_both", "confidence", "lift")
                for affinity in chunk {
                    insert.values([SQLBind(affinity.sku), SQLBind(affinity.otherSKU), SQLBind(affinity.buyersBoth),
                                   SQLBind(affinity.confidence), SQLBind(affinity.lift)])
                }
                try await insert.run()
            }
        }
    }

    private static func upsert(_ rows: [CustomerValueRow], on sql: any SQLDatabase) async throws {
        let columns = CustomerValueRow.columns
        let updates = columns.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        if let sqlite = sql as? any SQLiteDatabase {
            try await SQLiteBulkInsert.insert(
                into: "customer_values", columns: columns, rows: rows.map(\.sqliteValues),
                suffix: " ON CONFLICT (number) DO UPDATE SET \(updates)", on: sqlite)
            return
        }
        for chunk in rows.chunked(into: 1000) {
            var query: SQLQueryString = "INSERT INTO customer_values (\(unsafeRaw: CustomerValueRow.columns.joined(separator: ", "))) VALUES "
            for (index, row) in chunk.enumerated() {
                query += index == 0 ? "(" : ", ("
                for (position, value) in row.binds.enumerated() {
                    query += position == 0 ? "\(bind: value)" : ", \(bind: value)"
                }
                query += ")"
            }
            query += " ON CONFLICT (number) DO UPDATE SET \(unsafeRaw: updates)"
            try await sql.raw(query).run()
        }
    }

    private static func insert(_ model: ValueModel, on sql: any SQLDatabase) async throws {
        try await sql.insert(into: "value_models")
            .columns("version", "fitted_at", "as_of", "time_unit_days", "customers", "repeat_customers", "r", "alpha",
                     "a", "b", "bgnbd_log_likelihood", "p", "q", "gamma", "gamma_gamma_log_likelihood")
            .values([
                SQLBind(model.version), SQLBind(model.fittedAt), SQLBind(model.asOf), SQLBind(model.timeUnitDays),
                SQLBind(model.customers), SQLBind(model.repeatCustomers), SQLBind(model.bgnbd.r),
                SQLBind(model.bgnbd.alpha), SQLBind(model.bgnbd.a), SQLBind(model.bgnbd.b),
                SQLBind(model.bgnbdLogLikelihood), SQLBind(model.gammaGamma?.p), SQLBind(model.gammaGamma?.q),
                SQLBind(model.gammaGamma?.gamma), SQLBind(model.gammaGammaLogLikelihood),
            ])
            .run()
    }

    /// The newest fitted model; nil before the first analytics run.
    public func latestModel() async throws -> ValueModel? {
        guard let row = try await (store.database as! any SQLDatabase).select().column("*").from("value_models")
            .orderBy("id", .descending).limit(1).first()
        else { return nil }
        let gammaGamma: GammaGammaParameters?
        if let p = try row.decode(column: "p", as: Double?.self), let q = try row.decode(column: "q", as: Double?.self),
            let gamma = try row.decode(column: "gamma", as: Double?.self)
        {
            gammaGamma = GammaGammaParameters(p: p, q: q, gamma: gamma)
        } else {
            gammaGamma = nil
        }
        return ValueModel(
            version: Int(try row.decode(column: "version", as: Int64.self)),
            bgnbd: BGNBDParameters(
                r: try row.decode(column: "r", as: Double.self), alpha: try row.decode(column: "alpha", as: Double.self),
                a: try row.decode(column: "a", as: Double.self), b: try row.decode(column: "b", as: Double.self)),
            bgnbdLogLikelihood: try row.decode(column: "bgnbd_log_likelihood", as: Double.self),
            gammaGamma: gammaGamma,
            gammaGammaLogLikelihood: try row.decode(column: "gamma_gamma_log_likelihood", as: Double?.self),
            customers: Int(try row.decode(column: "customers", as: Int64.self)),
            repeatCustomers: Int(try row.decode(column: "repeat_customers", as: Int64.self)),
            timeUnitDays: Int(try row.decode(column: "time_unit_days", as: Int64.self)),
            asOf: try row.decode(column: "as_of", as: Date.self),
            fittedAt: try row.decode(column: "fitted_at", as: Date.self))
    }

    /// A customer's value; nil when it has none yet (no purchase, or no run since its first).
    /// - Throws: `StoreError.notFound` when there is no such customer or the caller may not see it.
    public func value(of customerID: UUID, visibleTo visibility: CustomerVisibility) async throws -> CustomerValueRow? {
        let sql = store.database as! any SQLDatabase
        var query: SQLQueryString = """
            SELECT v.*, c.id AS visible_id FROM customers c LEFT JOIN customer_values v ON v.customer_id = c.id \
            WHERE c.id = \(bind: customerID)
            """
        if case .ownedBy(let userID, let team) = visibility {
            query += " AND (c.owner_id = \(bind: userID) OR c.team = \(bind: team))"
        }
        guard let row = try await sql.raw(query).first() else { throw StoreError.notFound }
        guard try row.decode(column: "number", as: Int64?.self) != nil else { return nil }
        return try CustomerValueRow(decoding: row)
    }

    /// Churn warnings at or above `minRisk`, the most value at risk first, among the customers the caller may see
    /// and not archived.
    /// - Parameter after: the (value at risk, number) of the last warning of the previous page.
    public func churnWarnings(
        minRisk: Double, limit: Int, after: (valueAtRisk: Int64, number: Int64)?, visibleTo visibility: CustomerVisibility
    ) async throws -> [ChurnWarningRow] {
        let sql = store.database as! any SQLDatabase
        var query: SQLQueryString = """
            SELECT v.*, c.name AS customer_name, s.stage AS customer_stage FROM customer_values v \
            JOIN customers c ON c.number = v.number JOIN customer_stats s ON s.number = v.number \
            WHERE v.churn_risk >= \(bind: minRisk) AND c.archived_at IS NULL
            """
        if let after {
            query += """
                 AND (v.value_at_risk_minor < \(bind: after.valueAtRisk) OR (v.value_at_risk_minor = \
                \(bind: after.valueAtRisk) AND v.number < \(bind: after.number)))
                """
        }
        if case .ownedBy(let userID, let team) = visibility {
            query += " AND (c.owner_id = \(bind: userID) OR c.team = \(bind: team))"
        }
        query += " ORDER BY v.value_at_risk_minor DESC, v.number DESC LIMIT \(bind: limit)"
        return try await sql.raw(query).all().map { row in
            let value = try CustomerValueRow(decoding: row)
            return ChurnWarningRow(
                customerID: value.customerID, number: value.number,
                name: try row.decode(column: "customer_name", as: String.self),
                stage: try row.decode(column: "customer_stage", as: String.self), value: value)
        }
    }

    /// The affinities from any of `skus` to other products.
    public func affinities(from skus: Set<String>) async throws -> [ProductAffinity] {
        guard !skus.isEmpty else { return [] }
        let sql = store.database as! any SQLDatabase
        var affinities: [ProductAffinity] = []
        for chunk in Array(skus).sorted().chunked(into: 500) {
            let rows = try await sql.select().column("*").from("product_affinities").where("sku", .in, Array(chunk))
                .all()
            for row in rows {
                affinities.append(ProductAffinity(
                    sku: try row.decode(column: "sku", as: String.self),
                    otherSKU: try row.decode(column: "other_sku", as: String.self),
                    buyersBoth: Int(try row.decode(column: "buyers_both", as: Int64.self)),
                    confidence: try row.decode(column: "confidence", as: Double.self),
                    lift: try row.decode(column: "lift", as: Double.self)))
            }
        }
        return affinities
    }

    /// The SKUs a customer has bought (in purchases not wholly refunded).
    public func boughtSKUs(of customerID: UUID) async throws -> Set<String> {
        let rows = try await (store.database as! any SQLDatabase).raw("""
            SELECT lines FROM transactions WHERE customer_id = \(bind: customerID) AND kind = 'purchase' \
            AND amount_minor > refunded_minor
            """).all()
        var skus = Set<String>()
        for row in rows {
            for sku in PurchaseSnapshot.skus(inLines: try row.decode(column: "lines", as: String.self)) {
                skus.insert(String(sku))
            }
        }
        return skus
    }

    /// Product names by SKU.
    public func productNames(_ skus: Set<String>) async throws -> [String: String] {
        guard !skus.isEmpty else { return [:] }
        var names: [String: String] = [:]
        for chunk in Array(skus).sorted().chunked(into: 500) {
            for row in try await (store.database as! any SQLDatabase).select().columns("sku", "name").from("products")
                .where("sku", .in, Array(chunk)).all()
            {
                names[try row.decode(column: "sku", as: String.self)] = try row.decode(column: "name", as: String.self)
            }
        }
        return names
    }

    /// Collects marks as the database streams them, one row at a time.
    private final class MarkCollector: @unchecked Sendable {
        var marks: [Int64: StoredValueMark] = [:]
    }
}
