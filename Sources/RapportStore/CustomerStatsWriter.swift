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
}
