/// The knobs of the analytics engine; each is a setting.
public struct AnalyticsSettings: Equatable, Sendable {
    /// Days of history the RFM frequency and money scores look at.
    public var rfmWindowDays: Int
    /// Customers making up this share of trailing-12-month revenue, biggest first, are class A…
    public var abcAShare: Double
    /// …and up to this share, class B; the rest are C.
    public var abcBShare: Double
    /// Monthly discount rate of lifetime value.
    public var monthlyDiscountRate: Double
    /// Days per time unit inside the BG/NBD model: 1 (day) or 7 (week).
    public var timeUnitDays: Int
    /// A repeat customer whose P(alive) falls below this is `churned`.
    public var churnPAlive: Double
    /// Purchase days a customer needs in its last 455 days before a frequency shift is tested.
    public var shiftMinPurchases: Int
    /// Purchase days needed in each of the two windows before a basket-size shift is tested.
    public var shiftMinBaskets: Int

    /// The defaults of the product design.
    public init(
        rfmWindowDays: Int = 365, abcAShare: Double = 0.8, abcBShare: Double = 0.95, monthlyDiscountRate: Double = 0.01,
        timeUnitDays: Int = 1, churnPAlive: Double = 0.2, shiftMinPurchases: Int = 8, shiftMinBaskets: Int = 3
    ) {
        self.rfmWindowDays = rfmWindowDays
        self.abcAShare = abcAShare
        self.abcBShare = abcBShare
        self.monthlyDiscountRate = monthlyDiscountRate
        self.timeUnitDays = timeUnitDays
        self.churnPAlive = churnPAlive
        self.shiftMinPurchases = shiftMinPurchases
        self.shiftMinBaskets = shiftMinBaskets
    }
}
