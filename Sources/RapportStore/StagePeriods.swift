import FluentKit
import Foundation
import RapportCore
import SQLKit

/// Writes stage changes: the `status` events and the `stage_periods` intervals beside them (see
/// `M0011_AddCustomerStats`), always together.
enum StagePeriods {
    /// Records that `customerID` entered each state in turn: closes its open period and opens the next ones.
    static func record(_ states: [StageState], of customerID: UUID, on database: any Database) async throws {
        guard let first = states.first else { return }
        let sql = database as! any SQLDatabase
        try await sql.raw("""
            UPDATE stage_periods SET until = \(bind: first.since) WHERE customer_id = \(bind: customerID) \
            AND until IS NULL
            """).run()
        try await insert(periods(states, of: customerID), on: sql)
    }

    /// Consecutive states as periods: each lasts until the next begins; the last is open.
    static func periods(_ states: [StageState], of customerID: UUID) -> [(customerID: UUID, state: StageState, until: Date?)] {
        states.indices.map { index in
            (customerID, states[index], index + 1 < states.count ? states[index + 1].since : nil)
        }
    }

    /// Inserts whole periods at once (bulk paths, where the customer has no open period yet).
    static func insert(_ periods: [(customerID: UUID, state: StageState, until: Date?)], on sql: any SQLDatabase)
        async throws
    {
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

    /// Applies `changes` to a customer: events, periods and the new state. Returns the state after them.
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
        try await record(states, of: customerID, on: database)
        return current
    }

    /// How many customers were in each stage at `instant` (archived ones left out).
    static func counts(at instant: Date, on sql: any SQLDatabase) async throws -> [LifecycleStage: Int] {
        let cutoff = CustomerHistory.latestIncluded(at: instant)
        let rows = try await sql.raw("""
            SELECT p.stage AS stage, COUNT(*) AS n FROM stage_periods p JOIN customers c ON c.id = p.customer_id \
            WHERE p.since <= \(bind: cutoff) AND (p.until IS NULL OR p.until > \(bind: cutoff)) \
            AND (c.archived_at IS NULL OR c.archived_at > \(bind: cutoff)) GROUP BY p.stage
            """).all()
        var counts: [LifecycleStage: Int] = [:]
        for row in rows {
            guard let stage = LifecycleStage(rawValue: try row.decode(column: "stage", as: String.self)) else {
                throw StoreError.corrupt("stage_periods holds an unknown stage")
            }
            counts[stage] = Int(try row.decode(column: "n", as: Int64.self))
        }
        // A customer without a period covering the instant had not bought yet: a prospect.
        let existing = try await sql.raw("""
            SELECT COUNT(*) AS n FROM customers WHERE created_at <= \(bind: cutoff) \
            AND (archived_at IS NULL OR archived_at > \(bind: cutoff))
            """).first()?.decode(column: "n", as: Int64.self) ?? 0
        let covered = counts.filter { $0.key != .prospect }.values.reduce(0, +)
        counts[.prospect] = Int(existing) - covered
        return counts
    }

    /// The stage a customer was in at `instant`; nil when no period covers it (a prospect, if it existed).
    static func state(of customerID: UUID, at instant: Date, on sql: any SQLDatabase) async throws -> StageState? {
        let cutoff = CustomerHistory.latestIncluded(at: instant)
        guard let row = try await sql.raw("""
            SELECT stage, since, rule, reason FROM stage_periods WHERE customer_id = \(bind: customerID) \
            AND since <= \(bind: cutoff) AND (until IS NULL OR until > \(bind: cutoff)) ORDER BY since DESC LIMIT 1
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
