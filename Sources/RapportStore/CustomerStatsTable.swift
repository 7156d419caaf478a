import FluentKit
import Foundation
import RapportCore
import SQLKit
import SQLiteNIO

/// The `customer_stats` table (see `M0011_CreateCustomerStats`): one row of `CustomerStats` per customer, read and
/// written in one place.
enum CustomerStatsTable {
    /// The stats columns, without the keys.
    static let columns = [
        "stage", "stage_since", "stage_rule", "stage_reason", "stage_overridden", "first_purchase_at",
        "last_purchase_at", "orders_count", "total_spent_minor", "purchase_days", "last_interaction_at",
        "interactions_90d",
    ]

    /// The stats columns qualified with the table's name, for joins with `customers`.
    static let qualifiedColumns = columns.map { "customer_stats." + $0 }

    /// The stats in a row read through SQLKit.
    static func decode(from row: any SQLRow) throws -> CustomerStats {
        try stats(
            stage: row.decode(column: "stage", as: String.self),
            since: row.decode(column: "stage_since", as: Date.self),
            rule: row.decode(column: "stage_rule", as: String.self),
            reason: row.decode(column: "stage_reason", as: String.self),
            overridden: row.decode(column: "stage_overridden", as: Bool.self),
            firstPurchaseAt: row.decode(column: "first_purchase_at", as: Date?.self),
            lastPurchaseAt: row.decode(column: "last_purchase_at", as: Date?.self),
            ordersCount: row.decode(column: "orders_count", as: Int64.self),
            totalSpentMinor: row.decode(column: "total_spent_minor", as: Int64.self),
            purchaseDays: row.decode(column: "purchase_days", as: String.self),
            lastInteractionAt: row.decode(column: "last_interaction_at", as: Date?.self),
            recent: row.decode(column: "interactions_90d", as: String.self))
    }

    /// The stats in a row read directly from sqlite-nio (the fast paths).
    static func decode(sqlite row: SQLiteRow) throws -> CustomerStats {
        func text(_ name: String) -> String {
            if case .text(let value)? = row.column(name) { return value }
            return ""
        }
        func integer(_ name: String) -> Int64 {
            if case .integer(let value)? = row.column(name) { return Int64(value) }
            return 0
        }
        func date(_ name: String) -> Date? { row.column(name).flatMap(Date.init(sqliteData:)) }
        guard let since = date("stage_since") else { throw StoreError.corrupt("a customer_stats row has no stage_since") }
        return try stats(
            stage: text("stage"), since: since, rule: text("stage_rule"), reason: text("stage_reason"),
            overridden: integer("stage_overridden") != 0, firstPurchaseAt: date("first_purchase_at"),
            lastPurchaseAt: date("last_purchase_at"), ordersCount: integer("orders_count"),
            totalSpentMinor: integer("total_spent_minor"), purchaseDays: text("purchase_days"),
            lastInteractionAt: date("last_interaction_at"), recent: text("interactions_90d"))
    }

    private static func stats(
        stage: String, since: Date, rule: String, reason: String, overridden: Bool, firstPurchaseAt: Date?,
        lastPurchaseAt: Date?, ordersCount: Int64, totalSpentMinor: Int64, purchaseDays: String,
        lastInteractionAt: Date?, recent: String
    ) throws -> CustomerStats {
        guard let stage = LifecycleStage(rawValue: stage),
            let days = PurchaseSummary.purchaseDays(fromText: purchaseDays),
            let counts = InteractionSummary.recentByChannel(fromText: recent)
        else { throw StoreError.corrupt("a customer_stats row is unreadable") }
        return CustomerStats(
            purchases: PurchaseSummary(
                firstPurchaseAt: firstPurchaseAt, lastPurchaseAt: lastPurchaseAt, ordersCount: ordersCount,
                totalSpentMinor: totalSpentMinor, purchaseDays: days),
            interactions: InteractionSummary(lastInteractionAt: lastInteractionAt, recentByChannel: counts),
            stage: StageState(stage: stage, since: since, rule: rule, reason: reason, overridden: overridden))
    }

    /// One customer's stats.
    static func load(_ customerID: UUID, on database: any Database) async throws -> CustomerStats {
        let sql = database as! any SQLDatabase
        guard let row = try await sql.select().columns(columns.map { SQLColumn($0) }).from("customer_stats")
            .where("customer_id", .equal, customerID).first()
        else { throw StoreError.corrupt("customer \(customerID) has no stats row") }
        return try decode(from: row)
    }

    /// Several customers' stats, by customer.
    static func load(_ customerIDs: [UUID], on database: any Database) async throws -> [UUID: CustomerStats] {
        let sql = database as! any SQLDatabase
        var stats: [UUID: CustomerStats] = [:]
        for chunk in customerIDs.chunked(into: 500) {
            for row in try await sql.select().columns((["customer_id"] + columns).map { SQLColumn($0) })
                .from("customer_stats").where("customer_id", .in, Array(chunk)).all()
            {
                stats[try row.decode(column: "customer_id", as: UUID.self)] = try decode(from: row)
            }
        }
        return stats
    }

    /// Inserts the stats rows of new customers.
    static func insert(_ rows: [(number: Int64, customerID: UUID, stats: CustomerStats)], on database: any Database)
        async throws
    {
        try await BulkInsert.insert(into: "customer_stats", columns: ["number", "customer_id"] + columns,
                                    rows: rows.map { row($0.stats, number: $0.number, customerID: $0.customerID) },
                                    on: database)
    }

    /// A stats row in `number, customer_id, columns…` order.
    static func row(_ stats: CustomerStats, number: Int64, customerID: UUID) -> [BulkValue] {
        let purchases = stats.purchases
        return [
            .integer(number), .uuid(customerID), .text(stats.stage.stage.rawValue), .date(stats.stage.since),
            .text(stats.stage.rule), .text(stats.stage.reason), .bool(stats.stage.overridden),
            BulkValue(purchases.firstPurchaseAt), BulkValue(purchases.lastPurchaseAt), .integer(purchases.ordersCount),
            .integer(purchases.totalSpentMinor), .text(purchases.purchaseDaysText),
            BulkValue(stats.interactions.lastInteractionAt), .text(stats.interactions.recentText),
        ]
    }

    /// Rewrites one customer's stats.
    static func update(_ stats: CustomerStats, of customerID: UUID, on sql: any SQLDatabase) async throws {
        let purchases = stats.purchases
        let stage = stats.stage
        try await sql.raw("""
            UPDATE customer_stats SET stage = \(bind: stage.stage.rawValue), stage_since = \(bind: stage.since), \
            stage_rule = \(bind: stage.rule), stage_reason = \(bind: stage.reason), \
            stage_overridden = \(bind: stage.overridden), first_purchase_at = \(bind: purchases.firstPurchaseAt), \
            last_purchase_at = \(bind: purchases.lastPurchaseAt), orders_count = \(bind: purchases.ordersCount), \
            total_spent_minor = \(bind: purchases.totalSpentMinor), \
            purchase_days = \(bind: purchases.purchaseDaysText), \
            last_interaction_at = \(bind: stats.interactions.lastInteractionAt), \
            interactions_90d = \(bind: stats.interactions.recentText) WHERE customer_id = \(bind: customerID)
            """).run()
    }
}
