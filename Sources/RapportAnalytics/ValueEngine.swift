import Foundation
import RapportCore

/// One customer's model scores, in the units of the data: times in days, money in whatever unit the amounts were.
public struct ModelScore: Equatable, Sendable {
    public let summary: RepeatSummary
    public let pAlive: Double
    /// Expected purchase days in the next 30, 90 and 365 days.
    public let expected30: Double
    public let expected90: Double
    public let expected365: Double
    /// Expected spend per future purchase day.
    public let expectedSpend: Double
    /// Discounted value of the next 12 months.
    public let clv: Double
}

/// The customer-value engine: fits BG/NBD and Gamma-Gamma to everyone's purchase histories, then scores each customer
/// (P(alive), expected purchases, expected spend, CLV), classes them (RFM, ABC, tier), warns of churn and tests for
/// behaviour shifts. Pure: the caller brings the histories and the clock.
public struct ValueEngine: Sendable {
    public let settings: AnalyticsSettings
    public let lifecycle: LifecycleSettings
    /// The ISO 4217 code money is in, for explanations.
    public let currency: String

    /// Creates an engine.
    public init(settings: AnalyticsSettings = AnalyticsSettings(), lifecycle: LifecycleSettings = LifecycleSettings(),
                currency: String = "CNY") {
        self.settings = settings
        self.lifecycle = lifecycle
        self.currency = currency
    }

    /// Fits the model to the histories. Without enough repeat customers for Gamma-Gamma, the mean repeat spend stands
    /// in for everyone's expected spend.
    /// - Throws: `AnalyticsError.tooFewCustomers` when BG/NBD cannot be fitted.
    public func fit(_ histories: PurchaseHistories, asOf: Date, fittedAt: Date) throws(AnalyticsError) -> ValueModel {
        let summaries = (0..<histories.customerCount).compactMap { RepeatSummary(histories, customer: $0) }
        let bgnbd = try BGNBD.fit(BGNBD.Data(summaries, timeUnitDays: settings.timeUnitDays))
        let spendData = GammaGamma.Data(summaries)
        let spend = try? GammaGamma.fit(spendData)
        return ValueModel(
            bgnbd: bgnbd.parameters, bgnbdLogLikelihood: bgnbd.logLikelihood, gammaGamma: spend?.parameters,
            gammaGammaLogLikelihood: spend?.logLikelihood, customers: summaries.count,
            repeatCustomers: summaries.count { $0.x > 0 }, timeUnitDays: settings.timeUnitDays, asOf: asOf,
            fittedAt: fittedAt)
    }

    /// Each customer's model scores (nil without a purchase day). What BG/NBD says depends on (x, t_x, T) alone, and
    /// many customers share those (everyone who bought once on the same day), so it is computed once per distinct
    /// triple, on every core; spend is then each customer's own.
    public func modelScores(_ histories: PurchaseHistories, model: ValueModel) -> [ModelScore?] {
        let count = histories.customerCount
        let fallbackSpend = Self.meanRepeatSpend(histories)
        let summaries = (0..<count).map { RepeatSummary(histories, customer: $0) }
        var groupOf = [Int32](repeating: -1, count: count)
        var groups: [RepeatSummary] = []
        var seen: [UInt64: Int32] = [:]
        seen.reserveCapacity(count / 2)
        for (index, summary) in summaries.enumerated() {
            guard let summary else { continue }
            let key = BGNBD.Data.key(summary)
            if let group = seen[key] {
                groupOf[index] = group
            } else {
                groupOf[index] = Int32(groups.count)
                seen[key] = Int32(groups.count)
                groups.append(summary)
            }
        }
        let distinct = groups
        var purchases = [PurchaseOutlook](repeating: PurchaseOutlook(), count: distinct.count)
        purchases.withUnsafeMutableBufferPointer { buffer in
            let output = UnsafeSendableBuffer(buffer)
            Parallel.forEachChunk(count: distinct.count) { range in
                for group in range { output[group] = outlook(distinct[group], model: model) }
            }
        }
        return summaries.enumerated().map { index, summary in
            guard let summary else { return nil }
            let outlook = purchases[Int(groupOf[index])]
            var spend = model.gammaGamma?.expectedSpend(x: summary.x, meanAmount: summary.meanRepeatAmount)
                ?? (summary.x > 0 ? summary.meanRepeatAmount : fallbackSpend)
            // With q ≤ 1 the population mean spend is infinite: a one-purchase customer is then worth the mean repeat
            // spend.
            if !spend.isFinite || spend < 0 { spend = fallbackSpend }
            return ModelScore(
                summary: summary, pAlive: outlook.pAlive, expected30: outlook.expected30,
                expected90: outlook.expected90, expected365: outlook.expected365, expectedSpend: spend,
                clv: outlook.discountedPurchases * spend)
        }
    }

    /// What BG/NBD expects of a customer with a given (x, t_x, T).
    struct PurchaseOutlook {
        var pAlive = 1.0
        var expected30 = 0.0, expected90 = 0.0, expected365 = 0.0
        /// The purchases of each of the next twelve months, discounted to today and summed: CLV per unit of spend.
        var discountedPurchases = 0.0
    }

    func outlook(_ summary: RepeatSummary, model: ValueModel) -> PurchaseOutlook {
        let unit = Double(model.timeUnitDays)
        let (x, tx, T) = (Double(summary.x), Double(summary.daysFirstToLast) / unit, Double(summary.daysObserved) / unit)
        let parameters = model.bgnbd
        func expected(days: Double) -> Double {
            parameters.expectedPurchases(in: days / unit, x: x, tx: tx, T: T)
        }
        var outlook = PurchaseOutlook(pAlive: parameters.pAlive(x: x, tx: tx, T: T), expected30: expected(days: 30),
                                      expected90: expected(days: 90), expected365: expected(days: 365))
        // Twelve months of 365.25 / 12 days, each month's expected purchases discounted to today.
        var previous = 0.0
        for month in 1...12 {
            let cumulative = expected(days: Double(month) * 365.25 / 12)
            outlook.discountedPurchases += (cumulative - previous) / pow(1 + settings.monthlyDiscountRate, Double(month))
            previous = cumulative
        }
        return outlook
    }

    /// Everything the product shows of each customer with a purchase day (nil for the others), as of the
    /// histories' end day. Money in the histories is in minor units.
    public func values(_ histories: PurchaseHistories, model: ValueModel) -> [CustomerValue?] {
        let scores = modelScores(histories, model: model)
        let buyers = scores.indices.filter { scores[$0] != nil }
        let end = histories.endDay
        // RFM and 12-month revenue, over the buyers only.
        var recency: [Double] = [], frequency: [Double] = [], money: [Double] = [], revenue: [Double] = []
        for index in buyers {
            let range = histories.range(of: index)
            recency.append(Double(end - Int(histories.days[range.upperBound - 1])))
            var count = 0.0, windowSum = 0.0, yearSum = 0.0
            for row in range {
                let age = end - Int(histories.days[row])
                if age < settings.rfmWindowDays {
                    count += 1
                    windowSum += histories.amounts[row]
                }
                if age < 365 { yearSum += histories.amounts[row] }
            }
            frequency.append(count)
            money.append(windowSum)
            revenue.append(yearSum)
        }
        let r = ValueClasses.quintiles(recency, higherIsBetter: false)
        let f = ValueClasses.quintiles(frequency, higherIsBetter: true)
        let m = ValueClasses.quintiles(money, higherIsBetter: true)
        let abc = ValueClasses.abc(revenue: revenue, aShare: settings.abcAShare, bShare: settings.abcBShare)
        let tiers = ValueClasses.tiers(clv: buyers.map { scores[$0]!.clv })
        let shifts = BehaviourShiftTest(minPurchases: settings.shiftMinPurchases, minBaskets: settings.shiftMinBaskets)
        var values = [CustomerValue?](repeating: nil, count: histories.customerCount)
        for (position, index) in buyers.enumerated() {
            let score = scores[index]!
            let range = histories.range(of: index)
            let found = shifts.findings(days: histories.days[range], amounts: histories.amounts[range], endDay: end)
            values[index] = CustomerValue(
                repeatDays: score.summary.x, daysFirstToLast: score.summary.daysFirstToLast,
                daysObserved: score.summary.daysObserved,
                rfm: RFMScore(r: r[position], f: f[position], m: m[position]), abc: abc[position],
                tier: tiers[position], pAlive: score.pAlive,
                expectedPurchases: ExpectedPurchases(d30: score.expected30, d90: score.expected90,
                                                     d365: score.expected365),
                expectedSpendMinor: Self.minor(score.expectedSpend), clvMinor: Self.minor(score.clv),
                churn: churnWarning(score, idleDays: Int(recency[position]),
                                    days: histories.days[range].map(Int.init)),
                frequencyShift: found.frequency, basketShift: found.basket)
        }
        return values
    }

    /// The churn early-warning: 1 − P(alive) for repeat customers; for one-purchase customers, whom BG/NBD cannot
    /// judge, the share of the lifecycle's churn threshold already spent idle.
    func churnWarning(_ score: ModelScore, idleDays: Int, days: [Int]) -> ChurnWarning {
        let risk: Double
        var parts = [EnginePhrase.noPurchaseFor.text(.days(Double(idleDays)))]
        if score.summary.x > 0, let gap = LifecycleEngine.medianGap(of: days) {
            risk = 1 - score.pAlive
            parts.append(EnginePhrase.usualGap.text(.days(gap)))
            parts.append(EnginePhrase.pAlive.text(.decimal(score.pAlive)))
        } else {
            risk = min(1, Double(idleDays) / Double(lifecycle.churnMinDays))
            parts.append(EnginePhrase.onePurchaseDay.text())
            parts.append(EnginePhrase.churnedAfter.text(.days(Double(lifecycle.churnMinDays))))
        }
        let atRisk = Self.minor(score.clv * risk)
        parts.append(EnginePhrase.clvAtRisk.text(.text(MoneyText.whole(minor: atRisk, currency: currency))))
        return ChurnWarning(risk: risk, valueAtRiskMinor: atRisk, explanation: EngineExplanation.joining(parts))
    }

    /// The mean amount of all repeat purchase days, standing in for expected spend when Gamma-Gamma cannot be fitted.
    static func meanRepeatSpend(_ histories: PurchaseHistories) -> Double {
        var total = 0.0, count = 0
        for index in 0..<histories.customerCount {
            for row in histories.range(of: index).dropFirst() {
                total += histories.amounts[row]
                count += 1
            }
        }
        if count > 0 { return total / Double(count) }
        return histories.amounts.isEmpty ? 0 : histories.amounts.reduce(0, +) / Double(histories.amounts.count)
    }

    static func minor(_ value: Double) -> Int64 {
        value.isFinite ? Int64(value.rounded()) : 0
    }
}
