import Foundation
import RapportAnalytics
import RapportCore
import RapportStore

/// What an analytics run did.
public struct ValueReport: Sendable {
    /// The model fitted; nil when there was too little data (the reason is in `skipped`).
    public var model: ValueModel?
    public var skipped: String?
    /// Customers with a purchase day, scored.
    public var scored = 0
    /// Value rows written (changed since the last run) and removed (no purchase left).
    public var written = 0
    public var removed = 0
    /// `status` and `transaction` events written for changed classes and new behaviour shifts.
    public var events = 0
    public var affinities = 0
    /// Seconds spent reading, fitting and scoring, and writing.
    public var readSeconds = 0.0
    public var modelSeconds = 0.0
    public var writeSeconds = 0.0
}

/// Runs the analytics engine over the whole database: one streaming snapshot of the purchases in, the model fitted
/// and every customer scored in memory, then only the changed value rows written back in bulk. The fitted model
/// becomes the one the lifecycle rules' P(alive) evidence uses.
public struct ValueRecompute: Sendable {
    let store: RapportDatabase
    let engine: ValueEngine
    let current: CurrentValueModel

    /// Creates a run over `store`; the fitted model replaces `current`'s.
    public init(_ store: RapportDatabase, engine: ValueEngine, current: CurrentValueModel) {
        self.store = store
        self.engine = engine
        self.current = current
    }

    /// Fits and scores as of `instant` (purchases on later days are left out). The model is replaced before the
    /// values are written, so a lifecycle recompute that follows judges with it.
    /// - Parameter progress: the phase ("read", "model", "write") and its progress.
    public func run(
        at instant: Date, progress: @Sendable (String, Int, Int) -> Void = { _, _, _ in }
    ) async throws -> ValueReport {
        var report = ValueReport()
        var clock = Date()
        func lap() -> Double {
            defer { clock = Date() }
            return Date().timeIntervalSince(clock)
        }
        progress("read", 0, 1)
        let snapshot = try await PurchaseSnapshot.read(from: store)
        let stored = try await CustomerValueRepository(store).storedMarks()
        progress("read", 1, 1)
        report.readSeconds = lap()
        let endDay = BusinessDay.number(of: instant)
        var columns = PurchaseColumns(customerCount: snapshot.numbers.count, reservingCapacity: snapshot.customer.count)
        var baskets = ProductAffinities.Baskets()
        for row in snapshot.customer.indices where Int(snapshot.day[row]) <= endDay {
            let customer = Int(snapshot.customer[row])
            columns.append(customer: customer, day: Int(snapshot.day[row]), amount: Double(snapshot.amountMinor[row]))
            let products = snapshot.products[snapshot.productOffsets[row]..<snapshot.productOffsets[row + 1]]
            if !products.isEmpty { baskets.append(customer: customer, products: products.map(Int.init)) }
        }
        let histories = PurchaseHistories(columns, through: endDay)
        let model: ValueModel
        do {
            model = try engine.fit(histories, asOf: instant, fittedAt: store.clock.now())
        } catch {
            report.skipped = error.description
            report.modelSeconds = lap()
            return report
        }
        current.replace(with: model)
        report.model = model
        let values = engine.values(histories, model: model)
        let affinities = ProductAffinities.compute(baskets, skus: snapshot.skus)
        var rows: [CustomerValueRow] = []
        var events: [NewChangeEvent] = []
        var buyers = Set<Int64>()
        for (index, value) in values.enumerated() {
            guard let value else { continue }
            let number = snapshot.numbers[index]
            buyers.insert(number)
            let row = CustomerValueRow(number: number, customerID: snapshot.ids[index], value: value)
            let previous = stored[number]
            if previous?.digest != row.digest { rows.append(row) }
            events += value.events(since: previous?.marks, customerID: snapshot.ids[index], at: instant)
        }
        let removing = stored.keys.filter { !buyers.contains($0) }.sorted()
        report.scored = buyers.count
        report.modelSeconds = lap()
        progress("write", 0, rows.count)
        try await CustomerValueRepository(store).save(
            rows: rows, removing: removing, events: events, model: model, affinities: affinities,
            progress: { done, total in progress("write", done, total) })
        report.written = rows.count
        report.removed = removing.count
        report.events = events.count
        report.affinities = affinities.count
        report.writeSeconds = lap()
        return report
    }
}
