import FluentKit
import Foundation
import RapportCore

/// A row of `customers`: the current state. See `M0004_CreateCustomers` for why fields live in `document`.
final class CustomerModel: Model, @unchecked Sendable {
    static let schema = "customers"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Field(key: "number") var number: Int64
    @Field(key: "version") var version: Int64
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    @OptionalField(key: "archived_at") var archivedAt: Date?

    // data fields
    @Field(key: "document") var document: String

    // derived from `document`, for queries
    @Field(key: "kind") var kind: String
    @Field(key: "name") var name: String
    @OptionalField(key: "owner_id") var ownerID: UUID?
    @OptionalField(key: "team") var team: String?
    @OptionalField(key: "source") var source: String?
    @OptionalField(key: "birthday") var birthday: String?
    @Field(key: "search_text") var searchText: String

    // derived from transactions, interactions and the lifecycle rules; see `CustomerStatsColumns`
    @Field(key: "stage") var stage: String
    @OptionalField(key: "stage_since") var stageSince: Date?
    @OptionalField(key: "stage_rule") var stageRule: String?
    @OptionalField(key: "stage_reason") var stageReason: String?
    @Field(key: "stage_overridden") var stageOverridden: Bool
    @OptionalField(key: "first_purchase_at") var firstPurchaseAt: Date?
    @OptionalField(key: "last_purchase_at") var lastPurchaseAt: Date?
    @Field(key: "orders_count") var ordersCount: Int64
    @Field(key: "total_spent_minor") var totalSpentMinor: Int64
    @Field(key: "purchase_days") var purchaseDays: String
    @OptionalField(key: "last_interaction_at") var lastInteractionAt: Date?
    @Field(key: "interactions_90d") var interactions90d: String

    init() {}

    /// Stores the user-settable fields and refreshes the columns derived from them. `number` must be set first.
    func apply(_ fields: CustomerFields) {
        document = fields.documentText
        kind = fields.kind.rawValue
        name = fields.name
        ownerID = fields.ownerID
        team = fields.team
        source = fields.source
        birthday = fields.birthday?.description
        searchText = CustomerSearch.text(number: CustomerNumber(number), fields: fields)
    }

    /// Sets the stats columns.
    func apply(_ stats: CustomerStats) {
        stage = stats.stage.stage.rawValue
        stageSince = stats.stage.since
        stageRule = stats.stage.rule
        stageReason = stats.stage.reason
        stageOverridden = stats.stage.overridden
        firstPurchaseAt = stats.purchases.firstPurchaseAt
        lastPurchaseAt = stats.purchases.lastPurchaseAt
        ordersCount = stats.purchases.ordersCount
        totalSpentMinor = stats.purchases.totalSpentMinor
        purchaseDays = stats.purchases.purchaseDaysText
        lastInteractionAt = stats.interactions.lastInteractionAt
        interactions90d = stats.interactions.recentText
    }

    /// The stored value.
    func toStored() throws -> StoredCustomer {
        let stats = try CustomerStatsColumns.stats(
            stage: stage, since: stageSince, rule: stageRule, reason: stageReason, overridden: stageOverridden,
            firstPurchaseAt: firstPurchaseAt, lastPurchaseAt: lastPurchaseAt, ordersCount: ordersCount,
            totalSpentMinor: totalSpentMinor, purchaseDays: purchaseDays, lastInteractionAt: lastInteractionAt,
            recent: interactions90d, createdAt: createdAt)
        return StoredCustomer(
            id: try requireID(), number: CustomerNumber(number), version: Int(version), createdAt: createdAt,
            updatedAt: updatedAt, archivedAt: archivedAt, document: document, stats: stats)
    }
}
