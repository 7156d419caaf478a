import FluentKit
import Foundation
import RapportCore
import SQLKit

/// Lifecycle stages: manual overrides, counts per stage now and in the past, and a customer's stats as they were.
public struct LifecycleRepository: Sendable {
    let store: RapportDatabase
    let engine: LifecycleEngine

    /// Wraps the database; `engine` decides stages.
    public init(_ store: RapportDatabase, engine: LifecycleEngine) {
        self.store = store
        self.engine = engine
    }

    /// Sets a customer's stage by hand; it holds until `clearOverride`. Recorded as a `stage_overridden` event.
    public func setOverride(
        _ customerID: UUID, stage: LifecycleStage, reason: String, visibleTo visibility: CustomerVisibility,
        actor: Actor, source: EventSource
    ) async throws -> StoredCustomer {
        let now = store.clock.now()
        return try await store.write { database in
            let model = try await CustomerRepository.lockAndLoad(
                customerID, visibleTo: visibility, expectedVersion: nil, on: database)
            var stats = try await CustomerStatsTable.load(customerID, on: database)
            let state = StageOverride.state(stage, reason: reason, at: now)
            try await EventLog.append(
                [StageOverride.setEvent(customerID: customerID, from: stats.stage.stage, to: state, actor: actor,
                                        source: source)],
                recordedAt: now, on: database)
            try await StagePeriods.insert(StagePeriods.closed(from: stats.stage, through: [state], of: customerID),
                                          on: database as! any SQLDatabase)
            stats.stage = state
            try await CustomerStatsTable.update(stats, of: customerID, on: database as! any SQLDatabase)
            try await CrowdMembership.refresh(customerID, at: now, on: database)
            return try model.toStored(stats: stats)
        }
    }

    /// Clears a manual stage and lets the rules decide again at once. Clearing when there is none changes nothing.
    public func clearOverride(
        _ customerID: UUID, visibleTo visibility: CustomerVisibility, actor: Actor, source: EventSource
    ) async throws -> StoredCustomer {
        let now = store.clock.now()
        let engine = self.engine
        return try await store.write { database in
            let model = try await CustomerRepository.lockAndLoad(
                customerID, visibleTo: visibility, expectedVersion: nil, on: database)
            var stats = try await CustomerStatsTable.load(customerID, on: database)
            guard stats.stage.overridden else { return try model.toStored(stats: stats) }
            try await EventLog.append(
                [StageOverride.clearedEvent(customerID: customerID, stage: stats.stage.stage, actor: actor,
                                            source: source, at: now)],
                recordedAt: now, on: database)
            let stored = stats
            stats.stage.overridden = false
            stats = try await CustomerStatsWriter(engine: engine).refresh(
                customerID, from: stats, stored: stored, scope: [], now: now, actor: actor, source: source,
                on: database)
            try await CrowdMembership.refresh(customerID, at: now, on: database)
            return try model.toStored(stats: stats)
        }
    }

    /// How many current customers are in each stage now, or were at `instant`. Every stage is present.
    public func summary(at instant: Date?) async throws -> [LifecycleStage: Int] {
        let sql = store.database as! any SQLDatabase
        var counts: [LifecycleStage: Int]
        if let instant {
            counts = try await StagePeriods.counts(at: instant, on: sql)
        } else {
            counts = [:]
            let rows = try await sql.raw("""
                SELECT customer_stats.stage AS stage, COUNT(*) AS n FROM \(unsafeRaw: CustomerRepository.joinedTables) \
                WHERE customers.archived_at IS NULL GROUP BY customer_stats.stage
                """).all()
            for row in rows {
                guard let stage = LifecycleStage(rawValue: try row.decode(column: "stage", as: String.self)) else {
                    throw StoreError.corrupt("a customer has an unknown stage")
                }
                counts[stage] = Int(try row.decode(column: "n", as: Int64.self))
            }
        }
        for stage in LifecycleStage.allCases where counts[stage] == nil { counts[stage] = 0 }
        return counts
    }

    /// A customer's stats as they stood at `instant`: purchases and refunds made by then, interactions in the
    /// window ending then, and the stage recorded for then.
    public func stats(of customerID: UUID, createdAt: Date, asOf instant: Date) async throws -> CustomerStats {
        let sql = store.database as! any SQLDatabase
        let transactions = try await TransactionRows.all(of: customerID, on: sql)
        return CustomerStats(
            purchases: PurchaseSummary(of: transactions, asOf: CustomerHistory.latestIncluded(at: instant)),
            interactions: try await InteractionRows.summary(of: customerID, at: instant, on: sql),
            stage: try await stage(of: customerID, createdAt: createdAt, at: instant))
    }

    /// The stage a customer was in at `instant`: a closed period covering it, or else its current stage if that
    /// had begun by then, or else the prospect it was when created.
    private func stage(of customerID: UUID, createdAt: Date, at instant: Date) async throws -> StageState {
        let sql = store.database as! any SQLDatabase
        if let past = try await StagePeriods.state(of: customerID, at: instant, on: sql) { return past }
        let current = try await CustomerStatsTable.load(customerID, on: store.database).stage
        return current.since <= CustomerHistory.latestIncluded(at: instant) ? current : .initial(since: createdAt)
    }
}
