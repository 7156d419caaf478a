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
/// `POST /lifecycle/recompute` run, since time passing alone makes customers silent.
///
/// Customers are read in pages of the narrow `customer_stats` table alone (its `purchase_days` column holds what
/// the rules need), and each page is written in one transaction while the next page is read and judged on the
/// other core (splitting the judging over both cores made the whole slower: the writing needs one). Because a page is read before its transaction begins, every write is conditional: a customer's row
/// is only changed if it still holds what was read, and a customer that a concurrent write got to first is judged
/// again inside the transaction. Only customers whose stats change are written, so running it again with nothing
/// new writes nothing.
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
        at instant: Date, pageSize: Int = 10_000, progress: @Sendable (Int, Int) -> Void = { _, _ in }
    ) async throws -> RecomputeReport {
        let sql = store.database as! any SQLDatabase
        let total = Int(try await sql.raw("SELECT COUNT(*) AS n FROM customer_stats").first()?
            .decode(column: "n", as: Int64.self) ?? 0)
        let recent = try await Self.recentInteractions(at: instant, on: sql)
        let recordedAt = store.clock.now()
        let (store, engine) = (self.store, self.engine)
        let judgePage: @Sendable (Int64) async throws -> PageWork = { after in
            let rows = try await Self.page(after: after, limit: pageSize, of: store)
            return Self.judge(rows[...], at: instant, recent: recent, engine: engine)
        }
        var report = RecomputeReport()
        var next = Task { try await judgePage(0) }
        do {
            while true {
                let work = try await next.value
                guard let last = work.lastNumber else { break }
                next = Task { try await judgePage(last) }
                let written = try await store.write(bulk: true) { database in
                    try await Self.write(work, at: instant, recordedAt: recordedAt, engine: engine, on: database)
                }
                report.examined += written.examined
                report.stageChanged += written.stageChanged
                report.interactionsChanged += written.interactionsChanged
                report.events += written.events
                progress(report.examined, total)
            }
        } catch {
            next.cancel()
            throw error
        }
        return report
    }

    /// One customer's row as the recompute reads it.
    struct Row: Sendable {
        let id: UUID
        let number: Int64
        let stage: StageState
        let purchases: PurchaseSummary
        let recent: [InteractionChannel: Int]
        /// The stored texts, for the conditional write.
        let daysText: String
        let recentText: String
    }

    /// What the rules found for one customer whose stats change.
    struct Change: Sendable {
        let row: Row
        /// The new stage, when it changed.
        let stage: StageState?
        let recentText: String
        let events: [EventLog.EncodedEvent]
        let periods: [ClosedPeriod]
    }

    /// A judged page.
    struct PageWork: Sendable {
        var examined = 0
        var lastNumber: Int64?
        var changes: [Change] = []
    }

    /// Applies the rules to some customers.
    private static func judge(
        _ rows: ArraySlice<Row>, at instant: Date, recent: [UUID: [InteractionChannel: Int]], engine: LifecycleEngine
    ) -> PageWork {
        var work = PageWork(examined: rows.count, lastNumber: rows.last?.number)
        for row in rows {
            let counts = recent[row.id] ?? [:]
            let stageChanges = engine.changes(from: row.stage, purchases: row.purchases, at: instant)
            guard counts != row.recent || !stageChanges.isEmpty else { continue }
            var stage = row.stage
            var states: [StageState] = []
            for change in stageChanges {
                stage = stage.applying(change)
                states.append(stage)
            }
            work.changes.append(Change(
                row: row, stage: states.last, recentText: InteractionSummary(recentByChannel: counts).recentText,
                events: stageChanges.map {
                    EventLog.EncodedEvent($0.event(customerID: row.id, actor: .system, source: .system))
                },
                periods: StagePeriods.closed(from: row.stage, through: states, of: row.id)))
        }
        return work
    }

    /// Writes a judged page: the changes whose rows still hold what was read, then fresh judgements of the others.
    private static func write(
        _ work: PageWork, at instant: Date, recordedAt: Date, engine: LifecycleEngine, on database: any Database
    ) async throws -> RecomputeReport {
        let sql = database as! any SQLDatabase
        let staged = work.changes.filter { $0.stage != nil }
        let recentOnly = work.changes.filter { $0.stage == nil }
        let written = try await updateStages(staged, on: sql).union(try await updateRecent(recentOnly, on: sql))
        var report = RecomputeReport(examined: work.examined)
        var events: [EventLog.EncodedEvent] = []
        var periods: [ClosedPeriod] = []
        for change in work.changes {
            guard written.contains(change.row.number) else {
                // Changed by a concurrent write after the page was read: judge it again, now that it is locked.
                let current = try await CustomerStatsTable.load(change.row.id, on: database)
                let refreshed = try await CustomerStatsWriter(engine: engine).refresh(
                    change.row.id, from: current, scope: .interactions, now: instant, actor: .system,
                    source: .system, on: database)
                if refreshed.stage != current.stage { report.stageChanged += 1 }
                if refreshed.interactions != current.interactions { report.interactionsChanged += 1 }
                continue
            }
            if change.stage != nil { report.stageChanged += 1 }
            if change.recentText != change.row.recentText { report.interactionsChanged += 1 }
            events += change.events
            periods += change.periods
        }
        try await StagePeriods.insert(periods, on: sql)
        try await EventLog.append(encoded: events, recordedAt: recordedAt, on: database)
        report.events += events.count
        return report
    }

    static let columns = [
        "customer_id", "number", "stage", "stage_since", "stage_rule", "stage_reason", "stage_overridden",
        "first_purchase_at", "last_purchase_at", "purchase_days", "interactions_90d",
    ]

    /// The next page of customers by number, read outside any write. On SQLite the rows come from a read
    /// connection, straight from sqlite-nio: decoding a million rows through `Decodable` would cost more than the
    /// rules themselves.
    private static func page(after number: Int64, limit: Int, of store: RapportDatabase) async throws -> [Row] {
        let columnList = columns.joined(separator: ", ")
        if let readers = store.readers {
            let connection = try await readers.connection(on: store.database.eventLoop).get()
            let rows = try await connection.query(
                "SELECT \(columnList) FROM customer_stats WHERE number > ?1 ORDER BY number LIMIT ?2",
                [.integer(Int(number)), .integer(limit)]
            ).get()
            return try rows.map { row in
                func text(_ name: String) -> String? {
                    if case .text(let value)? = row.column(name) { return value }
                    return nil
                }
                func date(_ name: String) -> Date? { row.column(name).flatMap(Date.init(sqliteData:)) }
                guard let id = text("customer_id").flatMap(UUIDText.parse),
                    case .integer(let number)? = row.column("number"),
                    case .integer(let overridden)? = row.column("stage_overridden")
                else { throw StoreError.corrupt("a customer_stats row is malformed") }
                return try Self.row(
                    id: id, number: Int64(number), stage: text("stage"), since: date("stage_since"),
                    rule: text("stage_rule"), reason: text("stage_reason"), overridden: overridden != 0,
                    firstPurchaseAt: date("first_purchase_at"), lastPurchaseAt: date("last_purchase_at"),
                    days: text("purchase_days"), recent: text("interactions_90d"))
            }
        }
        let sql = store.database as! any SQLDatabase
        return try await sql.raw("""
            SELECT \(unsafeRaw: columnList) FROM customer_stats WHERE number > \(bind: number) ORDER BY number \
            LIMIT \(bind: limit)
            """).all().map { row in
            try Self.row(
                id: try row.decode(column: "customer_id", as: UUID.self),
                number: try row.decode(column: "number", as: Int64.self),
                stage: try row.decode(column: "stage", as: String.self),
                since: try row.decode(column: "stage_since", as: Date.self),
                rule: try row.decode(column: "stage_rule", as: String.self),
                reason: try row.decode(column: "stage_reason", as: String.self),
                overridden: try row.decode(column: "stage_overridden", as: Bool.self),
                firstPurchaseAt: try row.decode(column: "first_purchase_at", as: Date?.self),
                lastPurchaseAt: try row.decode(column: "last_purchase_at", as: Date?.self),
                days: try row.decode(column: "purchase_days", as: String.self),
                recent: try row.decode(column: "interactions_90d", as: String.self))
        }
    }

    private static func row(
        id: UUID, number: Int64, stage: String?, since: Date?, rule: String?, reason: String?, overridden: Bool,
        firstPurchaseAt: Date?, lastPurchaseAt: Date?, days daysText: String?, recent recentText: String?
    ) throws -> Row {
        guard let stage = stage.flatMap(LifecycleStage.init(rawValue:)), let since, let rule, let reason,
            let daysText, let days = PurchaseSummary.purchaseDays(fromText: daysText),
            let recentText, let recent = InteractionSummary.recentByChannel(fromText: recentText)
        else { throw StoreError.corrupt("customer_stats row \(number) is unreadable") }
        return Row(
            id: id, number: number,
            stage: StageState(stage: stage, since: since, rule: rule, reason: reason, overridden: overridden),
            purchases: PurchaseSummary(firstPurchaseAt: firstPurchaseAt, lastPurchaseAt: lastPurchaseAt,
                                       purchaseDays: days),
            recent: recent, daysText: daysText, recentText: recentText)
    }

    /// The condition of a conditional write: the row still holds what the page read, and no override.
    private static let unchanged = """
        customer_stats.stage = v.old_stage AND customer_stats.purchase_days = v.old_days \
        AND customer_stats.interactions_90d = v.old_recent AND customer_stats.stage_overridden = v.old_overridden
        """

    /// Writes new stages of many customers in a few statements — an `UPDATE … FROM` a list of values, which SQLite
    /// and PostgreSQL both understand — where the rows are unchanged since they were read.
    /// - Returns: the numbers of the customers written.
    private static func updateStages(_ changes: [Change], on sql: any SQLDatabase) async throws -> Set<Int64> {
        var written = Set<Int64>()
        for chunk in changes.chunked(into: 500) {
            var query: SQLQueryString = """
                WITH v(number, old_stage, old_days, old_recent, old_overridden, stage, since, rule, reason, recent) \
                AS (VALUES 
                """
            for (index, change) in chunk.enumerated() {
                guard let stage = change.stage else { continue }
                let row = change.row
                if index > 0 { query += ", " }
                query += """
                    (\(bind: row.number), \(bind: row.stage.stage.rawValue), \(bind: row.daysText), \
                    \(bind: row.recentText), \(bind: false), \(bind: stage.stage.rawValue), \(bind: stage.since), \
                    \(bind: stage.rule), \(bind: stage.reason), \(bind: change.recentText))
                    """
            }
            query += """
                ) UPDATE customer_stats SET stage = v.stage, stage_since = v.since, stage_rule = v.rule, \
                stage_reason = v.reason, interactions_90d = v.recent FROM v \
                WHERE customer_stats.number = v.number AND \(unsafeRaw: unchanged) RETURNING customer_stats.number
                """
            for row in try await sql.raw(query).all() { written.insert(try row.decode(column: "number", as: Int64.self)) }
        }
        return written
    }

    /// Writes new 90-day interaction counts of many customers in a few statements, where the rows are unchanged
    /// since they were read.
    /// - Returns: the numbers of the customers written.
    private static func updateRecent(_ changes: [Change], on sql: any SQLDatabase) async throws -> Set<Int64> {
        var written = Set<Int64>()
        for chunk in changes.chunked(into: 1000) {
            var query: SQLQueryString = """
                WITH v(number, old_stage, old_days, old_recent, old_overridden, recent) AS (VALUES 
                """
            for (index, change) in chunk.enumerated() {
                let row = change.row
                if index > 0 { query += ", " }
                query += """
                    (\(bind: row.number), \(bind: row.stage.stage.rawValue), \(bind: row.daysText), \
                    \(bind: row.recentText), \(bind: row.stage.overridden), \(bind: change.recentText))
                    """
            }
            query += """
                ) UPDATE customer_stats SET interactions_90d = v.recent FROM v \
                WHERE customer_stats.number = v.number AND \(unsafeRaw: unchanged) RETURNING customer_stats.number
                """
            for row in try await sql.raw(query).all() { written.insert(try row.decode(column: "number", as: Int64.self)) }
        }
        return written
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
