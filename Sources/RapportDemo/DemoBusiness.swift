import Foundation
import RapportCore

/// A realistic demo business — a Hangzhou tea and food shop selling in its store, online, on WeChat and by phone —
/// generated one customer at a time, so a million customers take no more memory than one.
///
/// The same seed and arguments always give the same customers, IDs included. Customers come in the order they were
/// created, so numbering them as they are imported matches their sign-up order.
public struct DemoBusiness: Sendable, Sequence, IteratorProtocol {
    /// The products customers buy.
    public let catalogue: [DemoProduct]
    /// How many customers the business has.
    public let customerCount: Int
    /// Where the history begins: `years` before `end`.
    public let start: Date
    /// Where the history ends (the server's "now"); nothing happens after it.
    public let end: Date

    private let seed: UInt64
    private let startSecond: Int64
    private let endSecond: Int64
    private let endYear: Int
    private var produced = 0
    /// Order numbers run on across customers, so every order's external ID is unique.
    private var orderSerial = 0

    /// Share of customers who were already customers when the history begins, entered in its first 30 days.
    private static let initialShare = 0.05
    private static let initialDays = 30.0
    /// After the initial customers, sign-ups grow linearly: the density at the end is this many times the density
    /// at the start. Growth is what keeps enough recent first purchases for the `new` stage.
    private static let growth = 9.0

    /// Creates the business.
    /// - Parameters:
    ///   - seed: fixes every random choice; different seeds give different businesses.
    ///   - customers: how many customers `next()` returns.
    ///   - years: how long the history is, at least 1.
    ///   - end: the instant the history ends (the server's "now"); the history spans `years` before it.
    public init(seed: UInt64, customers: Int, years: Int, end: Date) {
        precondition(customers >= 0, "a business cannot have a negative number of customers")
        precondition(years >= 1, "the history must span at least a year")
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let start = calendar.date(byAdding: .year, value: -years, to: end)
            ?? end.addingTimeInterval(-Double(years) * 365.2425 * Double(DemoTime.day))
        self.seed = seed
        self.customerCount = customers
        self.start = start
        self.end = end
        self.catalogue = Catalogue.products
        // Rounded inwards so that whole-second times stay within [start, end].
        self.startSecond = Int64(start.timeIntervalSince1970.rounded(.up))
        self.endSecond = DemoTime.seconds(end)
        self.endYear = DemoTime.civil(DemoTime.localDay(endSecond)).year
    }

    /// The next customer with its whole history, or nil after `customerCount` customers.
    public mutating func next() -> DemoCustomer? {
        guard produced < customerCount else { return nil }
        // Each customer draws from its own stream, so its data does not depend on how much earlier ones drew.
        var random = SeededRandom(seed: SeededRandom.derivedSeed(seed, UInt64(produced)))
        let createdAt = creationTime(of: produced, &random)
        produced += 1
        // The customer's rows all take IDs from its creation time: customers come in creation order, so their rows
        // are appended to every index rather than scattered.
        let id = random.uuid(at: DemoTime.date(createdAt))
        let profile = CustomerProfile.make(serial: produced, endYear: endYear, &random)
        let process = PurchaseProcess(customerID: id, profile: profile, createdAt: createdAt, end: endSecond,
                                      orderSerial: &orderSerial, &random)
        let script = InteractionScript(customerID: id, profile: profile, createdAt: createdAt, end: endSecond,
                                       purchases: process.purchases, &random)
        let changes = ProfileChanges.make(profile, createdAt: createdAt, end: endSecond, &random)
        return DemoCustomer(id: id, createdAt: DemoTime.date(createdAt), fields: profile.fields, changes: changes,
                            transactions: process.transactions, interactions: script.interactions)
    }

    /// When customer `index` was created. Each customer owns an equal slice of the sign-up distribution, in index
    /// order, so creation times never decrease along the stream.
    private func creationTime(of index: Int, _ random: inout SeededRandom) -> Int64 {
        let quantile = (Double(index) + random.unit()) / Double(customerCount)
        let span = Double(endSecond - startSecond)
        let position = Self.position(quantile: quantile, initialWindow: Swift.min(1, Self.initialDays * 86_400 / span))
        let raw = startSecond + Int64(position * span)
        // Squeezes each Chinese day into 08:00–22:00, when people sign up; monotonic, so the order is kept.
        let midnight = DemoTime.localMidnight(DemoTime.localDay(raw))
        let fraction = Double(raw - midnight) / Double(DemoTime.day)
        let opening = midnight + 8 * DemoTime.hour + Int64(fraction * Double(14 * DemoTime.hour))
        return Swift.min(Swift.max(opening, startSecond), endSecond)
    }

    /// The point in [0, 1] of the history below which a `quantile` share of customers were created: the inverse of
    /// the mixture of the initial customers (uniform over `initialWindow`) and the growing sign-ups, by bisection.
    private static func position(quantile: Double, initialWindow: Double) -> Double {
        // Linear density a + 2bx over [0, 1] with a + 2b = growth × a and a + b = 1.
        let a = 2 / (1 + growth)
        let b = 1 - a
        func share(_ x: Double) -> Double {
            initialShare * Swift.min(x / initialWindow, 1) + (1 - initialShare) * (a * x + b * x * x)
        }
        var low = 0.0
        var high = 1.0
        for _ in 0..<48 {
            let middle = (low + high) / 2
            if share(middle) < quantile { low = middle } else { high = middle }
        }
        return high
    }
}
