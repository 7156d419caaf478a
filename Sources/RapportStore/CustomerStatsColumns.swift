import FluentKit
import Foundation
import RapportCore
import SQLKit
import SQLiteNIO

/// The `customers` columns that hold a customer's `CustomerStats` (see `M0011_AddCustomerStats`), read and written
/// in one place.
enum CustomerStatsColumns {
    static let names = [
        "stage", "stage_since", "stage_rule", "stage_reason", "stage_overridden", "first_purchase_at",
        "last_purchase_at", "orders_count", "total_spent_minor", "purchase_days", "last_interaction_at",
        "interactions_90d",
    ]

    /// The stats in a row read through SQLKit. Rows from before any stats were written hold the defaults.
    static func decode(from row: any SQLRow, createdAt: Date) throws -> CustomerStats {
        try stats(
            stage: row.decode(column: "stage", as: String.self),
            since: row.decode(column: "stage_since", as: Date?.self),
            rule: row.decode(column: "stage_rule", as: String?.self),
            reason: row.decode(column: "stage_reason", as: String?.self),
            overridden: row.decode(column: "stage_overridden", as: Bool.self),
            firstPurchaseAt: row.decode(column: "first_purchase_at", as: Date?.self),
            lastPurchaseAt: row.decode(column: "last_purchase_at", as: Date?.self),
            ordersCount: row.decode(column: "orders_count", as: Int64.self),
            totalSpentMinor: row.decode(column: "total_spent_minor", as: Int64.self),
            purchaseDays: row.decode(column: "purchase_days", as: String.self),
            lastInteractionAt: row.decode(column: "last_interaction_at", as: Date?.self),
            recent: row.decode(column: "interactions_90d", as: String.self),
            createdAt: createdAt)
    }

    /// The stats in a row read directly from sqlite-nio (the fast paths).
    static func decode(sqlite row: SQLiteRow, createdAt: Date) throws -> CustomerStats {
        func text(_ name: String) -> String? {
            if case .text(let value)? = row.column(name) { return value }
            return nil
        }
        func integer(_ name: String) -> Int64 {
            if case .integer(let value)? = row.column(name) { return Int64(value) }
            return 0
        }
        func date(_ name: String) -> Date? { row.column(name).flatMap(Date.init(sqliteData:)) }
        return try stats(
            stage: text("stage") ?? "", since: date("stage_since"), rule: text("stage_rule"),
            reason: text("stage_reason"), overridden: integer("stage_overridden") != 0,
            firstPurchaseAt: date("first_purchase_at"), lastPurchaseAt: date("last_purchase_at"),
            ordersCount: integer("orders_count"), totalSpentMinor: integer("total_spent_minor"),
            purchaseDays: text("purchase_days") ?? "", lastInteractionAt: date("last_interaction_at"),
            recent: text("interactions_90d") ?? "", createdAt: createdAt)
    }

    static func stats(
        stage: String, since: Date?, rule: String?, reason: String?, overridden: Bool, firstPurchaseAt: Date?,
        lastPurchaseAt: Date?, ordersCount: Int64, totalSpentMinor: Int64, purchaseDays: String,
        lastInteractionAt: Date?, recent: String, createdAt: Date
    ) throws -> CustomerStats {
        guard let stage = LifecycleStage(rawValue: stage),
            let days = PurchaseSummary.purchaseDays(fromText: purchaseDays),
            let counts = InteractionSummary.recentByChannel(fromText: recent)
        else { throw StoreError.corrupt("a customer row holds unreadable stats") }
        let initial = StageState.initial(since: createdAt)
        return CustomerStats(
            purchases: PurchaseSummary(
                firstPurchaseAt: firstPurchaseAt, lastPurchaseAt: lastPurchaseAt, ordersCount: ordersCount,
                totalSpentMinor: totalSpentMinor, purchaseDays: days),
            interactions: InteractionSummary(lastInteractionAt: lastInteractionAt, recentByChannel: counts),
            stage: StageState(
                stage: stage, since: since ?? createdAt, rule: rule ?? initial.rule, reason: reason ?? initial.reason,
                overridden: overridden))
    }

    /// `UPDATE customers SET <every stats column> WHERE id = …`.
    static func update(_ stats: CustomerStats, of customerID: UUID) -> SQLQueryString {
        let purchases = stats.purchases
        let stage = stats.stage
        return """
            UPDATE customers SET stage = \(bind: stage.stage.rawValue), stage_since = \(bind: stage.since), \
            stage_rule = \(bind: stage.rule), stage_reason = \(bind: stage.reason), \
            stage_overridden = \(bind: stage.overridden), first_purchase_at = \(bind: purchases.firstPurchaseAt), \
            last_purchase_at = \(bind: purchases.lastPurchaseAt), orders_count = \(bind: purchases.ordersCount), \
            total_spent_minor = \(bind: purchases.totalSpentMinor), \
            purchase_days = \(bind: purchases.purchaseDaysText), \
            last_interaction_at = \(bind: stats.interactions.lastInteractionAt), \
            interactions_90d = \(bind: stats.interactions.recentText) WHERE id = \(bind: customerID)
            """
    }
}
