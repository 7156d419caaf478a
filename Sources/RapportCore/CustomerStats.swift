import Foundation

/// What a customer's transactions add up to. Refunds reduce the total; a purchase wholly refunded no longer counts
/// as an order or a purchase day.
public struct PurchaseSummary: Equatable, Sendable {
    public var firstPurchaseAt: Date?
    public var lastPurchaseAt: Date?
    /// Purchases not wholly refunded.
    public var ordersCount: Int64
    /// Purchases minus refunds, in minor units.
    public var totalSpentMinor: Int64
    /// The distinct days (`BusinessDay` numbers) with a purchase that counts, ascending.
    public var purchaseDays: [Int]

    /// Creates a summary.
    public init(
        firstPurchaseAt: Date? = nil, lastPurchaseAt: Date? = nil, ordersCount: Int64 = 0, totalSpentMinor: Int64 = 0,
        purchaseDays: [Int] = []
    ) {
        self.firstPurchaseAt = firstPurchaseAt
        self.lastPurchaseAt = lastPurchaseAt
        self.ordersCount = ordersCount
        self.totalSpentMinor = totalSpentMinor
        self.purchaseDays = purchaseDays
    }

    /// Sums up one customer's transactions, in any order.
    public init(of transactions: [Transaction]) {
        self.init()
        var days = Set<Int>()
        for transaction in transactions {
            switch transaction.kind {
            case .refund:
                totalSpentMinor -= transaction.amountMinor
            case .purchase:
                totalSpentMinor += transaction.amountMinor
                guard transaction.isStandingPurchase else { continue }
                ordersCount += 1
                days.insert(BusinessDay.number(of: transaction.occurredAt))
                firstPurchaseAt = min(firstPurchaseAt ?? transaction.occurredAt, transaction.occurredAt)
                lastPurchaseAt = max(lastPurchaseAt ?? transaction.occurredAt, transaction.occurredAt)
            }
        }
        purchaseDays = days.sorted()
    }

    /// The summary as it stood at `instant`: only what had happened by then, with refunds made by then.
    public init(of transactions: [Transaction], asOf instant: Date) {
        let known = transactions.filter { $0.occurredAt <= instant }
        var refunded: [UUID: Int64] = [:]
        for refund in known where refund.kind == .refund {
            if let purchase = refund.refundOf { refunded[purchase, default: 0] += refund.amountMinor }
        }
        self.init(of: known.map { $0.kind == .purchase ? $0.withRefunded(refunded[$0.id] ?? 0) : $0 })
    }

    /// The average order, rounded half away from zero; nil without orders.
    public var avgOrderMinor: Int64? {
        guard ordersCount > 0 else { return nil }
        return Int64((Double(totalSpentMinor) / Double(ordersCount)).rounded())
    }

    /// The instant a stage change caused on `day` happened: the purchase itself on the first and last purchase
    /// days, the start of the day otherwise (a threshold crossed while nothing happened).
    public func instant(ofDay day: Int) -> Date {
        if let firstPurchaseAt, BusinessDay.number(of: firstPurchaseAt) == day { return firstPurchaseAt }
        if let lastPurchaseAt, BusinessDay.number(of: lastPurchaseAt) == day { return lastPurchaseAt }
        return BusinessDay.start(of: day)
    }

    /// Purchase days as stored: day numbers separated by spaces.
    public var purchaseDaysText: String {
        purchaseDays.map(String.init).joined(separator: " ")
    }

    /// Reads `purchaseDaysText` back; nil when the text is not a list of day numbers.
    public static func purchaseDays(fromText text: String) -> [Int]? {
        var days: [Int] = []
        for part in text.split(separator: " ") {
            guard let day = Int(part) else { return nil }
            days.append(day)
        }
        return days
    }
}

/// A customer's recent contact with the business.
public struct InteractionSummary: Equatable, Sendable {
    /// How far back `recentByChannel` counts.
    public static let windowDays = 90

    public var lastInteractionAt: Date?
    /// Interactions per channel in the last `windowDays` days; channels without any are absent.
    public var recentByChannel: [InteractionChannel: Int]

    /// Creates a summary.
    public init(lastInteractionAt: Date? = nil, recentByChannel: [InteractionChannel: Int] = [:]) {
        self.lastInteractionAt = lastInteractionAt
        self.recentByChannel = recentByChannel.filter { $0.value > 0 }
    }

    /// The start of the window that ends at `now`.
    public static func windowStart(endingAt now: Date) -> Date {
        now.addingTimeInterval(-Double(windowDays) * 86_400)
    }

    /// Every channel with its count (zero when none), as the API shows it.
    public var recentJSON: JSONValue {
        .object(Dictionary(uniqueKeysWithValues: InteractionChannel.allCases.map {
            ($0.rawValue, JSONValue.number(Double(recentByChannel[$0] ?? 0)))
        }))
    }

    /// The counts as stored: `channel:count` pairs in channel order, separated by spaces; empty when none.
    public var recentText: String {
        InteractionChannel.allCases.compactMap { channel in
            recentByChannel[channel].map { "\(channel.rawValue):\($0)" }
        }.joined(separator: " ")
    }

    /// Reads `recentText` back; nil when it is not in that form.
    public static func recentByChannel(fromText text: String) -> [InteractionChannel: Int]? {
        var counts: [InteractionChannel: Int] = [:]
        for pair in text.split(separator: " ") {
            let parts = pair.split(separator: ":")
            guard parts.count == 2, let channel = InteractionChannel(rawValue: String(parts[0])),
                let count = Int(parts[1])
            else { return nil }
            counts[channel] = count
        }
        return counts
    }
}

/// Everything Rapport derives about a customer and shows beside its fields: purchases, contact and stage.
public struct CustomerStats: Equatable, Sendable {
    public var purchases: PurchaseSummary
    public var interactions: InteractionSummary
    public var stage: StageState

    /// Creates stats.
    public init(purchases: PurchaseSummary, interactions: InteractionSummary, stage: StageState) {
        self.purchases = purchases
        self.interactions = interactions
        self.stage = stage
    }

    /// A customer with no transactions or interactions yet: a prospect since it was created.
    public static func initial(createdAt: Date) -> CustomerStats {
        CustomerStats(purchases: PurchaseSummary(), interactions: InteractionSummary(),
                      stage: .initial(since: createdAt))
    }

    /// The members of `json` as JSON text without the braces, written by hand: every customer read sends them,
    /// and `JSONEncoder` would cost more than the rest of the read.
    public var jsonMembersText: String {
        func time(_ date: Date?) -> String { date.map { "\"" + RFC3339.format($0) + "\"" } ?? "null" }
        var text = "\"first_purchase_at\":" + time(purchases.firstPurchaseAt)
        text += ",\"last_purchase_at\":" + time(purchases.lastPurchaseAt)
        text += ",\"orders_count\":" + String(purchases.ordersCount)
        text += ",\"total_spent_minor\":" + String(purchases.totalSpentMinor)
        text += ",\"avg_order_minor\":" + (purchases.avgOrderMinor.map { String($0) } ?? "null")
        text += ",\"last_interaction_at\":" + time(interactions.lastInteractionAt)
        text += ",\"interactions_90d\":{"
        text += InteractionChannel.allCases.map { "\"\($0.rawValue)\":\(interactions.recentByChannel[$0] ?? 0)" }
            .joined(separator: ",")
        text += "},\"stage\":\"" + stage.stage.rawValue + "\""
        text += ",\"stage_since\":" + time(stage.since)
        text += ",\"stage_rule\":" + JSONValue.quoted(stage.rule)
        text += ",\"stage_reason\":" + JSONValue.quoted(stage.reason)
        text += ",\"stage_overridden\":" + (stage.overridden ? "true" : "false")
        return text
    }

    /// The members the API adds to a customer, every key present.
    public var json: [String: JSONValue] {
        func time(_ date: Date?) -> JSONValue { date.map { .string(RFC3339.format($0)) } ?? .null }
        return [
            "first_purchase_at": time(purchases.firstPurchaseAt),
            "last_purchase_at": time(purchases.lastPurchaseAt),
            "orders_count": .number(Double(purchases.ordersCount)),
            "total_spent_minor": .number(Double(purchases.totalSpentMinor)),
            "avg_order_minor": purchases.avgOrderMinor.map { .number(Double($0)) } ?? .null,
            "last_interaction_at": time(interactions.lastInteractionAt),
            "interactions_90d": interactions.recentJSON,
            "stage": .string(stage.stage.rawValue),
            "stage_since": time(stage.since),
            "stage_rule": .string(stage.rule),
            "stage_reason": .string(stage.reason),
            "stage_overridden": .bool(stage.overridden),
        ]
    }
}
