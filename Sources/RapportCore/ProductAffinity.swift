/// How strongly buying one product goes with buying another in the same basket, across customers: what "next
/// products" 需求预测 recommendations come from.
public struct ProductAffinity: Equatable, Sendable {
    /// The product bought (X).
    public let sku: String
    /// The product bought with it (Y).
    public let otherSKU: String
    /// Customers who bought X and Y in one basket.
    public let buyersBoth: Int
    /// Of X's buyers, the share who bought Y with it.
    public let confidence: Double
    /// Confidence over the share of all buying customers who bought Y: above 1, X makes Y likelier.
    public let lift: Double

    /// Creates an affinity.
    public init(sku: String, otherSKU: String, buyersBoth: Int, confidence: Double, lift: Double) {
        self.sku = sku
        self.otherSKU = otherSKU
        self.buyersBoth = buyersBoth
        self.confidence = confidence
        self.lift = lift
    }
}

/// A product recommended to a customer, and why.
public struct ProductRecommendation: Equatable, Sendable {
    public let sku: String
    public let name: String
    /// The product the customer bought that this goes with.
    public let becauseOfSKU: String
    public let confidence: Double
    public let lift: Double
    /// "bought together with 绿茶礼盒 by 34% of its buyers".
    public let reason: String

    /// Creates a recommendation.
    public init(sku: String, name: String, becauseOfSKU: String, confidence: Double, lift: Double, reason: String) {
        self.sku = sku
        self.name = name
        self.becauseOfSKU = becauseOfSKU
        self.confidence = confidence
        self.lift = lift
        self.reason = reason
    }
}
