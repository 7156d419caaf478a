import Foundation
import RapportCore

/// A customer's purchases and refunds, drawn from the "buy till you die" story that BG/NBD models: while alive a
/// customer buys at its own Poisson rate, and after each purchase it drops out for good with its own probability.
/// A few who dropped out come back after a long pause for a few more purchases (win-back 回流).
struct PurchaseProcess {
    /// A recorded purchase, for the interactions that surround it.
    struct Purchase {
        let at: Int64
        /// When it was refunded, if it was.
        let refunded: Int64?
        /// Whether it is the first purchase after a win-back pause.
        let winBack: Bool
    }

    /// Transactions in time order.
    private(set) var transactions: [DemoTransaction] = []
    /// The purchases, in the order they were drawn.
    private(set) var purchases: [Purchase] = []

    /// Share of customers who never buy: leads from fairs and the web, sign-ups for a coupon. With recent sign-ups
    /// that have not bought yet, about a quarter of customers end up prospects.
    static let prospectShare = 0.23
    /// Mean purchase rate across customers: one purchase per 40 days.
    static let meanRatePerDay = 1.0 / 40
    /// Gamma shape of the rates; below 1, so rates spread widely, from weekly buyers to once in years.
    static let rateShape = 0.9
    /// Beta parameters of the drop-out probability after each purchase (mean 0.2).
    static let dropOutA = 1.0
    static let dropOutB = 4.0
    /// Chance that a customer who dropped out returns.
    static let winBackShare = 0.07
    /// Chance that a purchase is refunded later.
    static let refundShare = 0.03

    /// The shop keeps its books in yuan.
    private static let currency = "CNY"
    private static let lineCounts = WeightedTable<Int>([(1, 55), (2, 28), (3, 12), (4, 5)])
    private static let quantities = WeightedTable<Int64>([(1, 70), (2, 20), (3, 8), (4, 1), (6, 1)])
    private static let channels = ["store", "online", "wechat", "phone"]

    /// Draws the history of a customer created at `createdAt`, up to `end`.
    /// - Parameter orderSerial: the business-wide order counter, which keeps order numbers unique.
    init(
        customerID: UUID, profile: CustomerProfile, createdAt: Int64, end: Int64, orderSerial: inout Int,
        _ random: inout SeededRandom
    ) {
        guard !random.chance(Self.prospectShare) else { return }
        // Companies order more often: gifts for staff and clients at every festival.
        let rateBoost = profile.isOrganization ? 1.5 : 1
        let drawnRate = random.gamma(shape: Self.rateShape, scale: Self.meanRatePerDay / Self.rateShape)
        let rate = min(drawnRate * rateBoost, 0.5)
        let dropOut = random.beta(Self.dropOutA, Self.dropOutB)
        let firstDelayDays: Double
        switch random.unit() {
        case ..<0.45: firstDelayDays = random.unit()  // signed up at the till or while ordering
        case ..<0.8: firstDelayDays = random.exponential(mean: 6)
        default: firstDelayDays = random.exponential(mean: 45)  // a lead that converts later
        }
        var time = Double(createdAt) + firstDelayDays * Double(DemoTime.day)
        var winBackPurchasesLeft: Int?
        var returning = false
        var refundTransactions: [DemoTransaction] = []
        while time <= Double(end) {
            let at = max(DemoTime.waking(Int64(time), &random), createdAt + Int64(random.int(60...1_800)))
            guard at <= end else { break }
            let channel = random.chance(0.7) ? profile.preferredChannel : random.pick(Self.channels)
            let purchase = Self.purchase(customerID: customerID, profile: profile, at: at, channel: channel,
                                         orderSerial: &orderSerial, &random)
            transactions.append(purchase)
            let refund = random.chance(Self.refundShare)
                ? Self.refund(of: purchase, end: end, &random) : nil
            if let refund { refundTransactions.append(refund) }
            let refunded = refund.map { DemoTime.seconds($0.input.occurredAt) }
            purchases.append(Purchase(at: at, refunded: refunded, winBack: returning))
            returning = false

            if let left = winBackPurchasesLeft {
                guard left > 1 else { break }
                winBackPurchasesLeft = left - 1
            } else if random.chance(dropOut) {
                guard random.chance(Self.winBackShare) else { break }
                // Gone long enough to count as churned before the shop wins it back.
                time += Double(random.int(200...420)) * Double(DemoTime.day)
                winBackPurchasesLeft = random.int(1...4)
                returning = true
                continue
            }
            // The second purchase is the hardest to win: first-time buyers take twice as long to come back.
            let gapRate = purchases.count == 1 ? rate / 2 : rate
            time += max(random.exponential(mean: 1 / gapRate), 0.3) * Double(DemoTime.day)
        }
        transactions += refundTransactions
        transactions.sort { $0.input.occurredAt < $1.input.occurredAt }
    }

    /// A basket of one to four catalogue products, mostly from the customer's favourite categories.
    private static func purchase(
        customerID: UUID, profile: CustomerProfile, at: Int64, channel: String, orderSerial: inout Int,
        _ random: inout SeededRandom
    ) -> DemoTransaction {
        let localDay = DemoTime.localDay(at)
        let month = DemoTime.civil(localDay).month
        // Gift boxes sell before the Spring Festival (January, February) and the Mid-Autumn Festival (September).
        let festive = month <= 2 || month == 9
        var chosen: [Int] = []
        for _ in 0..<lineCounts.pick(&random) {
            let category =
                festive && random.chance(0.25) ? Catalogue.giftIndex
                : random.chance(0.7) ? random.pick(profile.favouriteCategories)
                : Catalogue.categoryTable.pick(&random)
            let range = Catalogue.productRanges[category]
            let product = range.lowerBound + random.index(range.count)
            if !chosen.contains(product) { chosen.append(product) }
        }
        let lines = chosen.map { index in
            let product = Catalogue.products[index]
            let quantity: Int64
            if profile.isOrganization {
                quantity = product.category == Catalogue.categories[Catalogue.giftIndex].name
                    ? Int64(random.int(10...80)) : Int64(random.int(1...12))
            } else {
                quantity = quantities.pick(&random)
            }
            return TransactionLine(sku: product.sku, name: product.name, category: product.category,
                                   quantity: quantity, unitPriceMinor: product.unitPriceMinor)
        }
        var externalID: String?
        if channel == "online" || channel == "wechat" || (channel == "phone" && random.chance(0.5)) {
            orderSerial += 1
            externalID = "O" + DemoTime.compactDate(localDay) + DemoTime.padded(orderSerial, 7)
        }
        return DemoTransaction(id: random.uuid(at: DemoTime.date(at)), input: TransactionInput(
            customerID: customerID, externalID: externalID, kind: .purchase, occurredAt: DemoTime.date(at),
            currency: currency, lines: lines, amountMinor: total(lines), channel: channel))
    }

    /// A refund 1–20 days after the purchase: in full, of whole lines, or of part of the money (a price
    /// adjustment, which has no lines). Nil when it would fall after `end`.
    private static func refund(
        of purchase: DemoTransaction, end: Int64, _ random: inout SeededRandom
    ) -> DemoTransaction? {
        let bought = DemoTime.seconds(purchase.input.occurredAt)
        let later = bought + Int64(random.int(1...20)) * DemoTime.day
        let at = max(DemoTime.waking(later, &random), bought + DemoTime.hour)
        guard at <= end else { return nil }
        var lines = purchase.input.lines
        var amount = purchase.input.amountMinor
        switch random.unit() {
        case ..<0.45:
            break
        case ..<0.75:
            // Whole lines returned: one line of several, or some units of a line.
            let line = random.index(lines.count)
            var returned = lines[line]
            if lines.count == 1 {
                guard returned.quantity > 1 else { break }
                returned.quantity = Int64(random.int(1...Int(returned.quantity - 1)))
            }
            lines = [returned]
            amount = total(lines)
        default:
            guard amount > 200 else { break }
            // Compensation rounded to whole yuan, never the whole amount.
            let share = 0.1 + 0.4 * random.unit()
            amount = min(max(100, (Int64(Double(amount) * share) / 100) * 100), amount - 1)
            lines = []
        }
        let externalID = purchase.input.externalID.map { $0 + "-R" }
        return DemoTransaction(id: random.uuid(at: DemoTime.date(at)), input: TransactionInput(
            customerID: purchase.input.customerID, externalID: externalID, kind: .refund,
            occurredAt: DemoTime.date(at), currency: currency, lines: lines, amountMinor: amount,
            channel: purchase.input.channel, refundOf: purchase.id))
    }

    private static func total(_ lines: [TransactionLine]) -> Int64 {
        lines.reduce(0) { $0 + $1.quantity * $1.unitPriceMinor }
    }
}
