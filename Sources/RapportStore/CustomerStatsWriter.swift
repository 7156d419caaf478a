import FluentKit
import Foundation
import RapportCore
import SQLKit

/// Keeps a customer's stats current inside the write that changes its transactions, interactions or stage: the
/// aggregates are recomputed from the stored rows (a customer has few), the stage from the lifecycle rules.
struct CustomerStatsWriter: Sendable {
    let engine: LifecycleEngine

    /// What to recompute.
    struct Scope: OptionSet, Sendable {
        let rawValue: Int
        static let purchases = Scope(rawValue: 1)
        static let interactions = Scope(rawValue: 2)
    }

    /// Recomputes `scope` and the stage at `now`, writes the columns when they differ from what the row holds
    /// (`stored`, by default `current`), and records any stage change.
    func refresh(
        _ customerID: UUID, from current: CustomerStats, stored: CustomerStats? = nil, scope: Scope, now: Date,
        actor: Actor, source: EventSource, on database: any Database
    ) async throws -> CustomerStats {
        var stats = current
        let sql = database as! any SQLDatabase
        if scope.contains(.purchases) {
            stats.purchases = PurchaseSummary(of: try await TransactionRows.all(of: customerID, on: sql))
        }
        if scope.contains(.interactions) {
            stats.interactions = try await InteractionRows.summary(of: customerID, at: now, on: sql)
        }
        let changes = engine.changes(from: stats.stage, purchases: stats.purchases, at: now)
        stats.stage = try await StagePeriods.apply(
            changes, to: stats.stage, of: customerID, actor: actor, source: source, recordedAt: now, on: database)
        if stats != (stored ?? current) { try await CustomerStatsTable.update(stats, of: customerID, on: sql) }
        return stats
    }

    /// `refresh` for many customers at once (an import's batch): the aggregates of all of them read with one query
    /// per scope, the stage changes' events and periods written together; each stats row that changed is one UPDATE.
    func refresh(
        _ customers: [(id: UUID, stats: CustomerStats)], scope: Scope, now: Date, actor: Actor, source: EventSource,
        on database: any Database
    ) async throws {
        let sql = database as! any SQLDatabase
        let ids = customers.map(\.id)
        let purchases = scope.contains(.purchases) ? try await TransactionRows.summaries(of: ids, on: sql) : [:]
        let interactions = scope.contains(.interactions)
            ? try await InteractionRows.summaries(of: ids, at: now, on: sql) : [:]
        var events: [NewChangeEvent] = []
        var periods: [ClosedPeriod] = []
        for (id, current) in customers {
            var stats = current
            if scope.contains(.purchases) { stats.purchases = purchases[id] ?? PurchaseSummary() }
            if scope.contains(.interactions) { stats.interactions = interactions[id] ?? InteractionSummary() }
            let changes = engine.changes(from: stats.stage, purchases: stats.purchases, at: now)
            var states: [StageState] = []
            for change in changes {
                stats.stage = stats.stage.applying(change)
                states.append(stats.stage)
            }
            events += changes.map { $0.event(customerID: id, actor: actor, source: source) }
            periods += StagePeriods.closed(from: current.stage, through: states, of: id)
            if stats != current { try await CustomerStatsTable.update(stats, of: id, on: sql) }
        }
        try await EventLog.append(events, recordedAt: now, on: database)
        try await StagePeriods.insert(periods, on: sql)
    }
}
