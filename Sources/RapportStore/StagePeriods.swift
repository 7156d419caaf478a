import FluentKit
import Foundation
import RapportCore
import SQLKit

/// A stage a customer has left: from `state.since` until `until`.
typealias ClosedPeriod = (customerID: UUID, state: StageState, until: Date)

/// Writes stage changes — the `status` events and the `stage_periods` rows beside them (see
/// `M0011_CreateCustomerStats`), always together — and answers which stage customers were in at a past instant.
///
/// `stage_periods` holds only the stages a customer has left; the stage it is in now is `customer_stats`'s. A
/// change therefore only ever inserts rows, and those rows sit together by customer.
enum StagePeriods {
    /// The periods closed when a customer in `current` goes through `states` in turn: each lasts until the next
    /// begins, and the last stays open.
    static func closed(from current: StageState, through states: [StageState], of customerID: UUID) -> [ClosedPeriod] {
        zip([current] + states, states).map { (customerID, $0, $1.since) }
    }

    /// Inserts closed periods in multi-row statements.
    static func insert(_ periods: [ClosedPeriod], on sql: any SQLDatabase) async throws {
        for chunk in periods.chunked(into: 1000) {
            let insert = sql.insert(into: "stage_periods")
                .columns("customer_id", "stage", "since", "until", "rule", "reason")
            for period in chunk {
                insert.values(SQLBind(period.customerID), SQLBind(period.state.stage.rawValue),
                              SQLBind(period.state.since), SQLBind(period.until), SQLBind(period.state.rule),
                              SQLBind(period.state.reason))
            }
            try await insert.run()
        }
    }

    /// Applies `changes` to a customer in `state`: events and closed periods. Returns the state after them, which
    /// the caller stores in `customer_stats`.
    static func apply(
        _ changes: [StageChange], to state: StageState, of customerID: UUID, actor: Actor, source: EventSource,
        recordedAt: Date, on database: any Database
    ) async throws -> StageState {
        guard !changes.isEmpty else { return state }
        var states: [StageState] = []
        var current = state
        for change in changes {
            current = current.applying(change)
            states.append(current)
        }
        try await EventLog.append(changes.map { $0.event(customerID: customerID, actor: actor, source: source) },
                                  recordedAt: recordedAt, on: database)
        try await insert(closed(from: state, through: states, of: customerID), on: database as! any SQLDatabase)
        return current
    }

    /// How many customers were in each stage at `instant` (archived ones left out): those whose closed period
    /// covers it, and those whose current stage had begun by then.
    static func counts(at instant: Date, on sql: any SQLDatabase) async throws -> [LifecycleStage: Int] {
        let cutoff = CustomerHistory.latestIncluded(at: instant)
        let rows = try await sql.raw("""
            SELECT stage, COUNT(*) AS n FROM (\
            SELECT p.stage AS stage FROM stage_periods p JOIN customers c ON c.id = p.customer_id \
            WHERE p.since <= \(bind: cutoff) AND p.until > \(bind: cutoff) \
            AND (c.archived_at IS NULL OR c.archived_at > \(bind: cutoff)) \
            UNION ALL \
            SELECT s.stage AS stage FROM customer_stats s JOIN customers c ON c.number = s.number \
            WHERE s.stage_since <= \(bind: cutoff) AND (c.archived_at IS NULL OR c.archived_at > \(bind: cutoff))\
            ) AS covering GROUP BY stage
            """).all()
        var counts: [LifecycleStage: Int] = [:]
        for row in rows {
            guard let stage = LifecycleStage(rawValue: try row.decode(column: "stage", as: String.self)) else {
                throw StoreError.corrupt("stage_periods holds an unknown stage")
            }
            counts[stage] = Int(try row.decode(column: "n", as: Int64.self))
        }
        return counts
    }

    /// The closed period a customer was in at `instant`; nil when none covers it (it was in its current stage, or
    /// did not exist yet).
    static func state(of customerID: UUID, at instant: Date, on sql: any SQLDatabase) async throws -> StageState? {
        let cutoff = CustomerHistory.latestIncluded(at: instant)
        guard let row = try await sql.raw("""
            SELECT stage, since, rule, reason FROM stage_periods WHERE customer_id = \(bind: customerID) \
            AND since <= \(bind: cutoff) AND until > \(bind: cutoff) ORDER BY since DESC LIMIT 1
            """).first()
        else { return nil }
        guard let stage = LifecycleStage(rawValue: try row.decode(column: "stage", as: String.self)) else {
            throw StoreError.corrupt("stage_periods holds an unknown stage")
        }
        let rule = try row.decode(column: "rule", as: String.self)
        return StageState(
            stage: stage, since: try row.decode(column: "since", as: Date.self), rule: rule,
            reason: try row.decode(column: "reason", as: String.self), overridden: rule == StageOverride.rule)
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements.
    func chunked(into size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
