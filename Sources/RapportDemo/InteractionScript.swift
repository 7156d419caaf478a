import Foundation
import RapportCore

/// A customer's interactions: questions before purchases, follow-ups after them, complaints before refunds,
/// marketing while the relationship lasts, lead follow-ups for prospects, visits to companies, birthday wishes.
struct InteractionScript {
    private let customerID: UUID
    private let createdAt: Int64
    private let end: Int64
    /// The interactions so far, in the order they were drawn.
    private(set) var interactions: [DemoInteraction] = []

    private static let qualities = WeightedTable<Int64>([(1, 3), (2, 7), (3, 20), (4, 35), (5, 35)])

    /// Draws the interactions of a customer with these purchases, between `createdAt` and `end`.
    init(
        customerID: UUID, profile: CustomerProfile, createdAt: Int64, end: Int64,
        purchases: [PurchaseProcess.Purchase], _ random: inout SeededRandom
    ) {
        self.customerID = customerID
        self.createdAt = createdAt
        self.end = end
        let day = DemoTime.day
        if purchases.isEmpty {
            for _ in 0..<random.int(1...3) {
                add(InteractionText.leads, at: createdAt + Int64(random.index(60)) * day, &random)
            }
        } else if random.chance(0.2) {
            add(InteractionText.leads, at: createdAt, &random)
        }
        for purchase in purchases {
            if purchase.winBack, random.chance(0.8) {
                add(InteractionText.winBacks, at: purchase.at - Int64(random.int(1...20)) * day, &random)
            }
            if random.chance(0.25) {
                // Just before the purchase, kept before it even when that is outside opening hours.
                let asked = purchase.at - Int64(random.int(600...(3 * 86_400)))
                add(InteractionText.inquiries, at: asked, before: purchase.at, &random)
            }
            if random.chance(profile.isOrganization ? 0.5 : 0.3) {
                add(InteractionText.afterSales, at: purchase.at + Int64(random.int(1...10)) * day, &random)
            }
            if let refunded = purchase.refunded, random.chance(0.9) {
                add(InteractionText.refunds, at: refunded - Int64(random.int(600...86_400)), before: refunded,
                    &random)
            }
        }
        // Marketing goes on for a while after the last purchase, then the shop stops spending on the customer.
        let lastPurchase = purchases.map(\.at).max()
        let marketingUntil = min(end, (lastPurchase ?? createdAt) + (lastPurchase == nil ? 120 : 180) * day)
        every(meanDays: 150, from: createdAt, until: marketingUntil, InteractionText.marketing, &random)
        if profile.isOrganization, let lastPurchase {
            every(meanDays: 200, from: createdAt, until: min(end, lastPurchase + 365 * day),
                  InteractionText.accountVisits, &random)
        }
        if let birthday = profile.fields.birthday, lastPurchase != nil {
            let firstYear = DemoTime.civil(DemoTime.localDay(createdAt)).year
            let lastYear = DemoTime.civil(DemoTime.localDay(marketingUntil)).year
            for year in firstYear...max(firstYear, lastYear) where random.chance(0.6) {
                let birthdayDay = DemoTime.dayNumber(year: year, month: birthday.month, day: birthday.day)
                let at = DemoTime.localMidnight(birthdayDay) + 9 * DemoTime.hour
                if at <= marketingUntil { add(InteractionText.birthday, at: at, &random) }
            }
        }
        interactions.sort { $0.input.occurredAt < $1.input.occurredAt }
    }

    /// Interactions from `texts` at exponential gaps of `meanDays` between two instants.
    private mutating func every(
        meanDays: Double, from start: Int64, until stop: Int64, _ texts: [InteractionText], _ random: inout SeededRandom
    ) {
        var time = start + Int64(random.exponential(mean: meanDays) * Double(DemoTime.day))
        while time < stop {
            add(texts, at: time, &random)
            time += Int64(random.exponential(mean: meanDays) * Double(DemoTime.day))
        }
    }

    /// Adds one interaction from `texts` on the day of `raw`, at a time staff work (outbound) or customers write
    /// (inbound); nothing when that falls outside the customer's history. With `before`, a time that would pass it
    /// falls back to `raw` itself.
    private mutating func add(
        _ texts: [InteractionText], at raw: Int64, before limit: Int64? = nil, _ random: inout SeededRandom
    ) {
        let text = random.pick(texts)
        var time = text.direction == .outbound ? DemoTime.office(raw, &random) : DemoTime.waking(raw, &random)
        if let limit, time >= limit { time = raw }
        guard time >= createdAt, time <= end else { return }
        let outcome = !text.outcomes.isEmpty && random.chance(0.6) ? random.pick(text.outcomes) : nil
        let notes = !text.notes.isEmpty && random.chance(0.7) ? random.pick(text.notes) : nil
        let duration: Int64?
        switch text.channel {
        case .phone:
            duration = outcome == "未接通" ? 0 : 30 + min(Int64(random.exponential(mean: 240)), 3_600)
        case .inPerson:
            duration = Int64(random.int(10...90) * 60)
        default:
            duration = nil
        }
        let quality = outcome != "未接通" && random.chance(0.3) ? Self.qualities.pick(&random) : nil
        interactions.append(DemoInteraction(id: random.uuid(at: DemoTime.date(time)), input: InteractionInput(
            customerID: customerID, channel: text.channel, direction: text.direction, occurredAt: DemoTime.date(time),
            subject: text.subject, notes: notes, outcome: outcome, durationSeconds: duration, quality: quality)))
    }
}
