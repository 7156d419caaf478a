import ArgumentParser
import Foundation
import RapportCore
import RapportDemo
import RapportServer
import RapportStore

/// `rapport demo`: a realistic demo business in a fresh database.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Fill a fresh database with a realistic demo business: customers, purchases, refunds, "
            + "interactions and back-dated changes, the same for the same seed.")

    @OptionGroup var options: SettingsOptions

    @Option(help: "How many customers.")
    var customers = 2000

    @Option(help: "Seed of the random generator: the same seed gives the same business.")
    var seed: UInt64 = 42

    @Option(help: "Years of history.")
    var years = 2

    @Option(help: "RFC 3339 time the history ends at (default: the start of today, UTC, so that runs on the same day with the same seed write the same business).")
    var end: String?

    @Option(help: "Customers per database transaction.")
    var batch = 250

    func validate() throws {
        guard (1...10_000_000).contains(customers) else { throw ValidationError("--customers must be from 1 to 10000000") }
        guard (1...20).contains(years) else { throw ValidationError("--years must be from 1 to 20") }
        guard (1...2000).contains(batch) else { throw ValidationError("--batch must be from 1 to 2000") }
        if let end, RFC3339.parse(end) == nil {
            throw ValidationError("--end: expected an RFC 3339 time such as 2026-01-31T00:00:00Z")
        }
    }

    func run() async throws {
        let settings = try CommandSettings.resolve(options.flags)
        try await RapportRuntime.withApplication(settings) { app in
            guard !(try await CustomerRepository(app.rapportDatabase).hasAny()) else {
                throw ValidationError("""
                    the database already has customers; the demo goes into a fresh database \
                    (choose another file with --database)
                    """)
            }
            let store = app.rapportDatabase
            let loader = DemoLoader(
                store: store, engine: app.lifecycleEngine, customers: customers, seed: seed, years: years,
                end: end.flatMap(RFC3339.parse) ?? DemoLoader.defaultEnd(now: store.clock.now()), batch: batch)
            let counts = try await loader.load(showingProgress: true)
            let values = try await loader.recompute(with: Recompute(app))
            Terminal.emit("Values: \(values.scored) customers scored\(values.skipped.map { " (\($0))" } ?? "").")
            Terminal.emit("""
                Demo business written: \(counts.customers) customers, \(counts.transactions) transactions, \
                \(counts.interactions) interactions, \(counts.events) events.
                """)
        }
    }
}

/// Generates the demo business and writes it in batches, for `demo` and `serve --demo`.
struct DemoLoader {
    let store: RapportDatabase
    let engine: LifecycleEngine
    let customers: Int
    let seed: UInt64
    let years: Int
    /// When the history ends; at or before the clock's now.
    let end: Date
    let batch: Int

    /// The start of the current UTC day: the demo is the same all day for a seed, and customer IDs (which carry
    /// their creation time) repeat too.
    static func defaultEnd(now: Date) -> Date {
        BusinessDay.start(of: BusinessDay.number(of: now))
    }

    /// Fits the value model and scores everyone as of the history's end, then judges stages with it: a demo database
    /// shows values at once, and a recompute right after it changes nothing.
    func recompute(with recompute: Recompute) async throws -> ValueReport {
        try await recompute.run(at: min(end, store.clock.now())).values
    }

    /// Writes the whole business. Batches are written in order, but each is generated and prepared while the one
    /// before it is being written, so the generator, the preparation and the database work side by side.
    func load(showingProgress: Bool) async throws -> CustomerBulkWriter.Counts {
        let writer = CustomerBulkWriter(store, engine: engine)
        let now = store.clock.now()
        var business = DemoBusiness(seed: seed, customers: customers, years: years, end: min(end, now))
        let progress = showingProgress ? ProgressLine(total: customers, unit: "customers") : nil
        var counts = CustomerBulkWriter.Counts()
        var inFlight: [Task<CustomerBulkWriter.Counts, any Error>] = []
        while true {
            var inputs: [CustomerHistoryInput] = []
            while inputs.count < batch, let customer = business.next() {
                inputs.append(Self.input(customer, recordedAt: now))
            }
            if inputs.isEmpty || inFlight.count == 2 {
                counts += try await inFlight.removeFirst().value
                progress?.update(counts.customers)
            }
            if inputs.isEmpty, inFlight.isEmpty { break }
            guard !inputs.isEmpty else { continue }
            let previous = inFlight.last
            let batch = inputs
            inFlight.append(Task {
                let prepared = writer.prepare(batch, actor: .system, source: .system)
                // Waiting for the batch before keeps customer numbers in the generator's order.
                _ = try await previous?.value
                return try await writer.write(prepared)
            })
        }
        progress?.finish()
        return counts
    }

    static func input(_ customer: DemoCustomer, recordedAt: Date) -> CustomerHistoryInput {
        CustomerHistoryInput(
            id: customer.id, createdAt: customer.createdAt, fields: customer.fields,
            changes: customer.changes.map { (at: $0.at, fields: $0.fields) },
            transactions: customer.transactions.map(\.input), transactionIDs: customer.transactions.map(\.id),
            interactions: customer.interactions.map { Interaction(id: $0.id, input: $0.input, recordedAt: recordedAt) })
    }
}
