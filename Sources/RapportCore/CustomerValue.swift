import Foundation

/// The named RFM groups: where a customer stands by recency (R) and by frequency and money together (FM).
public enum RFMGroup: String, Codable, CaseIterable, Sendable {
    case champions = "Champions"
    case loyal = "Loyal"
    case potentialLoyalist = "Potential Loyalist"
    case newCustomers = "New Customers"
    case promising = "Promising"
    case needAttention = "Need Attention"
    case aboutToSleep = "About to Sleep"
    case atRisk = "At Risk"
    case cannotLoseThem = "Cannot Lose Them"
    case hibernating = "Hibernating"
    case lost = "Lost"

    /// The name the Chinese UI shows.
    public var chineseName: String {
        switch self {
        case .champions: "冠军客户"
        case .loyal: "忠诚客户"
        case .potentialLoyalist: "潜力忠诚客户"
        case .newCustomers: "新客户"
        case .promising: "有潜力客户"
        case .needAttention: "需关注客户"
        case .aboutToSleep: "即将沉睡客户"
        case .atRisk: "流失风险客户"
        case .cannotLoseThem: "不容流失客户"
        case .hibernating: "沉睡客户"
        case .lost: "流失客户"
        }
    }

    /// The group of a recency score and a frequency-and-money score (each 1–5, 5 best). Recency decides the row:
    /// recent buyers are champions, loyal, promising or new by how much they buy; lapsed ones are at risk, not to be
    /// lost, hibernating or lost by how much they used to buy.
    public static func of(recency r: Int, frequencyMoney fm: Int) -> RFMGroup {
        switch (r, fm) {
        case (5, 4...): .champions
        case (5, 2...3), (4, 2...3): .potentialLoyalist
        case (5, _): .newCustomers
        case (4, 4...), (3, 4...): .loyal
        case (4, _): .promising
        case (3, 3): .needAttention
        case (3, _): .aboutToSleep
        case (_, 5): .cannotLoseThem
        case (_, 3...4): .atRisk
        case (1, 1): .lost
        default: .hibernating
        }
    }
}

/// A customer's RFM quintile scores, 1 (worst fifth) to 5 (best fifth).
public struct RFMScore: Equatable, Sendable {
    /// Recency: 5 for the most recent buyers.
    public let r: Int
    /// Frequency: purchase days within the window.
    public let f: Int
    /// Money: net spending within the window.
    public let m: Int

    /// Creates scores.
    public init(r: Int, f: Int, m: Int) {
        self.r = r
        self.f = f
        self.m = m
    }

    /// The three digits, "545".
    public var code: String { "\(r)\(f)\(m)" }

    /// The frequency-and-money score: the mean of F and M, halves rounded up.
    public var frequencyMoney: Int { (f + m + 1) / 2 }

    /// The named group.
    public var group: RFMGroup { RFMGroup.of(recency: r, frequencyMoney: frequencyMoney) }
}

/// ABC (Pareto) class by trailing-12-month net revenue.
public enum ABCClass: String, Codable, CaseIterable, Sendable {
    case a = "A", b = "B", c = "C"
}

/// Value tier 价值层级 by lifetime-value percentile.
public enum ValueTier: String, Codable, CaseIterable, Sendable {
    case high, mid, low
}

/// A significant change in a customer's buying against its own baseline 交易行为改变.
public enum BehaviourShift: String, Codable, CaseIterable, Sendable {
    case frequencyDropped = "frequency_dropped"
    case frequencyRose = "frequency_rose"
    case basketDropped = "basket_dropped"
    case basketRose = "basket_rose"

    /// The event kind that records it.
    public var eventKind: EventKind { EventKind(rawValue: rawValue) }
}

/// A significant change in one customer's buying against its own baseline, with the numbers behind it.
public struct ShiftFinding: Equatable, Sendable {
    public let shift: BehaviourShift
    /// The numbers the `transaction` event carries.
    public let detail: [String: JSONValue]

    /// Creates a finding.
    public init(shift: BehaviourShift, detail: [String: JSONValue]) {
        self.shift = shift
        self.detail = detail
    }

    /// The `transaction`-family event that records it.
    public func event(customerID: UUID, at time: Date) -> NewChangeEvent {
        NewChangeEvent(customerID: customerID, family: .transaction, kind: shift.eventKind, newValue: .object(detail),
                       actor: .system, source: .system, occurredAt: time)
    }
}

/// Expected purchases over the horizons the product reports.
public struct ExpectedPurchases: Equatable, Sendable {
    public let d30: Double
    public let d90: Double
    public let d365: Double

    /// Creates the expectations.
    public init(d30: Double, d90: Double, d365: Double) {
        self.d30 = d30
        self.d90 = d90
        self.d365 = d365
    }
}

/// The churn early-warning 流失预警 of one customer.
public struct ChurnWarning: Equatable, Sendable {
    /// 0…1: 1 − P(alive) for repeat customers, the lifecycle rhythm for one-purchase customers.
    public let risk: Double
    /// Lifetime value × risk, in minor units.
    public let valueAtRiskMinor: Int64
    /// What a person reads: "no purchase for 143 days; usual gap 30 days; P(alive) 0.12; CLV at risk ¥1,240".
    public let explanation: String

    /// Creates a warning.
    public init(risk: Double, valueAtRiskMinor: Int64, explanation: String) {
        self.risk = risk
        self.valueAtRiskMinor = valueAtRiskMinor
        self.explanation = explanation
    }
}

/// What the analytics engine derived for one customer with at least one purchase, as of one instant.
public struct CustomerValue: Equatable, Sendable {
    /// Repeat purchase days (purchase days after the first).
    public let repeatDays: Int
    /// Days from the first to the last purchase day.
    public let daysFirstToLast: Int
    /// Days from the first purchase day to the as-of day.
    public let daysObserved: Int
    public let rfm: RFMScore
    public let abc: ABCClass
    public let tier: ValueTier
    /// Probability the customer is still buying (BG/NBD); 1 for one-purchase customers, by the model.
    public let pAlive: Double
    public let expectedPurchases: ExpectedPurchases
    /// Expected spend per future purchase day (Gamma-Gamma), in minor units.
    public let expectedSpendMinor: Int64
    /// Discounted 12-month lifetime value, in minor units.
    public let clvMinor: Int64
    public let churn: ChurnWarning
    /// The frequency shift found as of this run, if any.
    public let frequencyShift: ShiftFinding?
    /// The basket-size shift found as of this run, if any.
    public let basketShift: ShiftFinding?

    /// Creates a value record.
    public init(
        repeatDays: Int, daysFirstToLast: Int, daysObserved: Int, rfm: RFMScore, abc: ABCClass, tier: ValueTier,
        pAlive: Double, expectedPurchases: ExpectedPurchases, expectedSpendMinor: Int64, clvMinor: Int64,
        churn: ChurnWarning, frequencyShift: ShiftFinding?, basketShift: ShiftFinding?
    ) {
        self.repeatDays = repeatDays
        self.daysFirstToLast = daysFirstToLast
        self.daysObserved = daysObserved
        self.rfm = rfm
        self.abc = abc
        self.tier = tier
        self.pAlive = pAlive
        self.expectedPurchases = expectedPurchases
        self.expectedSpendMinor = expectedSpendMinor
        self.clvMinor = clvMinor
        self.churn = churn
        self.frequencyShift = frequencyShift
        self.basketShift = basketShift
    }
}

/// The classes of a customer's value that are recorded as events when they change.
public struct ValueMarks: Equatable, Sendable {
    public let tier: ValueTier
    public let abc: ABCClass
    public let rfmGroup: RFMGroup
    public let frequencyShift: BehaviourShift?
    public let basketShift: BehaviourShift?

    /// Creates marks.
    public init(tier: ValueTier, abc: ABCClass, rfmGroup: RFMGroup, frequencyShift: BehaviourShift?,
                basketShift: BehaviourShift?) {
        self.tier = tier
        self.abc = abc
        self.rfmGroup = rfmGroup
        self.frequencyShift = frequencyShift
        self.basketShift = basketShift
    }
}

extension CustomerValue {
    /// This value's marks.
    public var marks: ValueMarks {
        ValueMarks(tier: tier, abc: abc, rfmGroup: rfm.group, frequencyShift: frequencyShift?.shift,
                   basketShift: basketShift?.shift)
    }

    /// The events that record how this value's marks differ from `previous`: a `status` event per class that
    /// changed (none for a customer's first classification, which is no change), and a `transaction` event per shift
    /// newly found (a shift still present from the last run is not recorded again).
    public func events(since previous: ValueMarks?, customerID: UUID, at time: Date) -> [NewChangeEvent] {
        var events: [NewChangeEvent] = []
        if let previous {
            func status(_ kind: EventKind, _ field: String, _ old: String, _ new: String) {
                guard old != new else { return }
                events.append(NewChangeEvent(
                    customerID: customerID, family: .status, kind: kind, field: field, oldValue: .string(old),
                    newValue: .string(new), actor: .system, source: .system, occurredAt: time))
            }
            status(.tierChanged, "tier", previous.tier.rawValue, tier.rawValue)
            status(.abcChanged, "abc", previous.abc.rawValue, abc.rawValue)
            status(.rfmGroupChanged, "rfm_group", previous.rfmGroup.rawValue, rfm.group.rawValue)
        }
        for (finding, before) in [(frequencyShift, previous?.frequencyShift), (basketShift, previous?.basketShift)] {
            if let finding, finding.shift != before { events.append(finding.event(customerID: customerID, at: time)) }
        }
        return events
    }
}

/// BG/NBD parameters (Fader, Hardie & Lee 2005): purchase rates are Gamma(r, α) across customers, dropout
/// probabilities Beta(a, b). α is in the model's time unit.
public struct BGNBDParameters: Equatable, Sendable, Codable {
    public var r: Double
    public var alpha: Double
    public var a: Double
    public var b: Double

    /// Creates parameters.
    public init(r: Double, alpha: Double, a: Double, b: Double) {
        self.r = r
        self.alpha = alpha
        self.a = a
        self.b = b
    }
}

/// Gamma-Gamma parameters (Fader & Hardie 2013) of spend per purchase; γ is in the money unit of the fit.
public struct GammaGammaParameters: Equatable, Sendable, Codable {
    public var p: Double
    public var q: Double
    public var gamma: Double

    /// Creates parameters.
    public init(p: Double, q: Double, gamma: Double) {
        self.p = p
        self.q = q
        self.gamma = gamma
    }

    /// Mean spend per purchase across customers, pγ / (q − 1); infinite when q ≤ 1.
    public var populationMeanSpend: Double { q > 1 ? p * gamma / (q - 1) : .infinity }
}

/// A fitted customer-value model: what `GET /analytics/model` shows and what scores customers.
public struct ValueModel: Equatable, Sendable {
    /// Bumped when the way customers are scored changes, so stored scores can be told apart.
    public static let currentVersion = 1

    public let version: Int
    public let bgnbd: BGNBDParameters
    public let bgnbdLogLikelihood: Double
    /// Nil when too few repeat customers to fit spend; the mean repeat spend stands in.
    public let gammaGamma: GammaGammaParameters?
    public let gammaGammaLogLikelihood: Double?
    /// Customers with a purchase, and of those, with a repeat purchase day.
    public let customers: Int
    public let repeatCustomers: Int
    /// Days per model time unit: 1 or 7.
    public let timeUnitDays: Int
    /// The instant the data was taken as of, and when the fit ran.
    public let asOf: Date
    public let fittedAt: Date

    /// Creates a model record.
    public init(
        version: Int = ValueModel.currentVersion, bgnbd: BGNBDParameters, bgnbdLogLikelihood: Double,
        gammaGamma: GammaGammaParameters?, gammaGammaLogLikelihood: Double?, customers: Int, repeatCustomers: Int,
        timeUnitDays: Int, asOf: Date, fittedAt: Date
    ) {
        self.version = version
        self.bgnbd = bgnbd
        self.bgnbdLogLikelihood = bgnbdLogLikelihood
        self.gammaGamma = gammaGamma
        self.gammaGammaLogLikelihood = gammaGammaLogLikelihood
        self.customers = customers
        self.repeatCustomers = repeatCustomers
        self.timeUnitDays = timeUnitDays
        self.asOf = asOf
        self.fittedAt = fittedAt
    }

    /// "day" or "week".
    public var timeUnitName: String { timeUnitDays == 7 ? "week" : "day" }
}
