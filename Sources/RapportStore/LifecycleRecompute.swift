import FluentKit
import Foundation
import RapportCore
import SQLKit
import SQLiteNIO

/// What a full recompute did.
public struct RecomputeReport: Equatable, Sendable {
    /// Customers looked at.
    public var examined = 0
    /// Customers whose stage changed.
    public var stageChanged = 0
    /// Customers whose 90-day interaction counts changed.
    public var interactionsChanged = 0
    /// `status` events written.
    public var events = 0
}

/// Re-applies the lifecycle rules to every customer at one instant — what the daily job, `rapport recompute` and
/// `POST /lifecycle/recompute` run, since time passing alone makes customers silent. Customers are read in pages of
/// the narrow `customer_stats` table alone (its `purchase_days` column holds what the rules need), each page in one write
/// transaction so that a concurrent write to a customer is never overwritten with stale stats; only customers whose
/// stats change are written, so running it again with nothing new writes nothing.
public struct LifecycleRecompute: Sendable {
    let store: RapportDatabase
    let engine: LifecycleEngine

    /// Wraps the database; `engine` decides stages.
    public init(_ store: RapportDatabase, engine: LifecycleEngine) {
        self.store = store
        self.engine = engine
    }

    /// Recomputes every customer as of `instant`.
    /// - Parameters:
    ///   - pageSize: customers per transaction.
    ///   - progress: called after each page with the customers examined so far and the total.
    public func run(
        at instant: Date, pageSize: Int = 5000, progress: @Sendable (Int, Int) -> Void = { _, _ in }
    ) async throws -> RecomputeReport {
        let sql = store.database as! any SQLDatabase
        let total = Int(try await sql.raw("SELECT COUNT(*) AS n FROM customer_stats").first()?
            .decode(column: "n", as: Int64.self) ?? 0)
        let recent = try await Self.recentInteractions(at: instant, on: sql)
        let recordedAt = store.clock.now()
        let engine = self.engine
        var report = RecomputeReport()
        var lastNumber: Int64 = 0
        while true {
            let after = lastNumber
            let (page, pageReport) = try await store.write(bulk: true) { database in
                let rows = try await Self.page(after: after, limit: pageSize, on: database)
                var pageReport = RecomputeReport()
                var events: [NewChangeEvent] = []
                var periods: [(customerID: UUID, state: StageState, until: Date?)] = []
                var changed: [(number: Int64, stats: CustomerStats)] = []
                var closed: [(customerID: UUID, until: Date)] = []
                for row in rows {
                    pageReport.examined += 1
                    var stats = row.stats
                    let counts = recent[row.id] ?? [:]
                    let interactionsChanged = counts != stats.interactions.recentByChannel
                    stats.interactions.recentByChannel = counts
                    let changes = engine.changes(from: stats.stage, purchases: stats.purchases, at: instant)
                    guard interactionsChanged || !changes.isEmpty else { continue }
                    if interactionsChanged { pageReport.interactionsChanged += 1 }
                    if !changes.isEmpty {
                        pageReport.stageChanged += 1
                        var states: [StageState] = []
                        for change in changes {
                            stats.stage = stats.stage.applying(change)
                            states.append(stats.stage)
                            events.append(change.event(customerID: row.id, actor: .system, source: .system))
                        }
                        closed.append((row.id, states[0].since))
                        periods += StagePeriods.periods(states, of: row.id)
                    }
                    changed.append((row.number, stats))
                }
                let sql = database as! any SQLDatabase
                try await Self.updateStats(changed, on: sql)
                try await Self.closePeriods(closed, on: sql)
                try await StagePeriods.insert(periods, on: sql)
                for chunk in events.chunked(into: 1000) {
                    try await EventLog.append(Array(chunk), recordedAt: recordedAt, on: database)
                }
                pageReport.events = events.count
                return (rows.last?.number, pageReport)
            }
            report.examined += pageReport.examined
            report.stageChanged += pageReport.stageChanged
            report.interactionsChanged += pageReport.interactionsChanged
            report.events += pageReport.events
            progress(report.examined, total)
            guard let page else { break }
            lastNumber = page
        }
        return report
    }

    /// One customer's row as the recompute needs it.
    struct Row: Sendable {
        let id: UUID
        let number: Int64
        let stats: CustomerStats
    }

    static let columns = ["customer_id", "number"] + CustomerStatsTable.columns

    /// The next page of customers by number, locked for the rest of the transaction on PostgreSQL. On SQLite the
    /// rows are read straight from sqlite-nio: decoding a million rows through `Decodable` would cost more than the
    /// rules themselves.
    private static func page(after number: Int64, limit: Int, on database: any Database) async throws -> [Row] {
        let columnList = columns.joined(separator: ", ")
        if let sqlite = database as? any SQLiteDatabase {
            let rows = try await sqlite.query(
                "SELECT \(columnList) FROM customer_stats WHERE number > ?1 ORDER BY number LIMIT ?2",
                [.integer(Int(number)), .integer(limit)]
            ).get()
            return try rows.map { row in
                guard case .text(let idText)? = row.column("customer_id"), let id = UUIDText.parse(idText),
                    case .integer(let number)? = row.column("number")
                else { throw StoreError.corrupt("a customer_stats row is malformed") }
                return Row(id: id, number: Int64(number), stats: try CustomerStatsTable.decode(sqlite: row))
            }
        }
        let sql = database as! any SQLDatabase
        return try await sql.raw("""
            SELECT \(unsafeRaw: columnList) FROM customer_stats WHERE number > \(bind: number) ORDER BY number \
            LIMIT \(bind: limit) FOR UPDATE
            """).all().map { row in
            Row(id: try row.decode(column: "customer_id", as: UUID.self),
                number: try row.decode(column: "number", as: Int64.self), stats: try CustomerStatsTable.decode(from: row))
        }
    }

    /// Writes the recomputed columns of many customers in a few statements: an `UPDATE … FROM` a list of values,
    /// which SQLite and PostgreSQL both understand.
    private static func updateStats(_ changed: [(number: Int64, stats: CustomerStats)], on sql: any SQLDatabase)
        async throws
    {
        for chunk in changed.chunked(into: 1000) {
            var query: SQLQueryString = "WITH v(number, stage, since, rule, reason, recent) AS (VALUES "
            for (index, (number, stats)) in chunk.enumerated() {
                if index > 0 { query += ", " }
                query += """
                    (\(bind: number), \(bind: stats.stage.stage.rawValue), \(bind: stats.stage.since), \
                    \(bind: stats.stage.rule), \(bind: stats.stage.reason), \(bind: stats.interactions.recentText))
                    """
            }
            query += """
                ) UPDATE customer_stats SET stage = v.stage, stage_since = v.since, stage_rule = v.rule, \
                stage_reason = v.reason, interactions_90d = v.recent FROM v WHERE customer_stats.number = v.number
                """
            try await sql.raw(query).run()
        }
    }

    /// Closes the open stage period of each customer at the given time, in a few statements.
    private static func closePeriods(_ closed: [(customerID: UUID, until: Date)], on sql: any SQLDatabase) async throws {
        for chunk in closed.chunked(into: 2000) {
            var query: SQLQueryString = "WITH v(customer_id, until) AS (VALUES "
            for (index, (customerID, until)) in chunk.enumerated() {
                if index > 0 { query += ", " }
                query += "(\(bind: customerID), \(bind: until))"
            }
            query += """
                ) UPDATE stage_periods SET until = v.until FROM v \
                WHERE stage_periods.customer_id = v.customer_id AND stage_periods.until IS NULL
                """
            try await sql.raw(query).run()
        }
    }

    /// Interactions per customer and channel in the window ending at `instant`.
    private static func recentInteractions(
        at instant: Date, on sql: any SQLDatabase
    ) async throws -> [UUID: [InteractionChannel: Int]] {
        let rows = try await sql.raw("""
            SELECT customer_id, channel, COUNT(*) AS n FROM interactions \
            WHERE occurred_at > \(bind: InteractionSummary.windowStart(endingAt: instant)) \
            AND occurred_at <= \(bind: CustomerHistory.latestIncluded(at: instant)) GROUP BY customer_id, channel
            """).all()
        var counts: [UUID: [InteractionChannel: Int]] = [:]
        for row in rows {
            guard let channel = InteractionChannel(rawValue: try row.decode(column: "channel", as: String.self)) else {
                throw StoreError.corrupt("interactions hold an unknown channel")
            }
            counts[try row.decode(column: "customer_id", as: UUID.self), default: [:]][channel] =
                Int(try row.decode(column: "n", as: Int64.self))
        }
        return counts
    }
}
