import FluentKit
import Foundation
import RapportCore
import SQLKit

/// The dashboard's figures, each one query over the customers a user may see: stages now and at past month ends,
/// new and churned customers since an instant, net revenue per month, RFM groups and interaction quality per month.
///
/// Month boundaries are the caller's (the dashboard uses UTC months, as the lifecycle rules do); every series is
/// computed in one pass with one `CASE` column per period, so twelve months cost one scan, not twelve. The queries
/// only read, and on a big database for seconds: the dashboard runs them on a `ReportConnection`.
public struct DashboardRepository: Sendable {
    let sql: any SQLDatabase

    /// Reads the figures through `sql`.
    public init(_ sql: any SQLDatabase) {
        self.sql = sql
    }

    /// Current customers per stage at each of `instants` (each stage present, zero when none).
    public func stageCounts(at instants: [Date], visibleTo visibility: CustomerVisibility) async throws
        -> [[LifecycleStage: Int]]
    {
        guard !instants.isEmpty else { return [] }
        let cutoffs = instants.map(CustomerHistory.latestIncluded(at:))
        func columns(since: String, until: String?) -> SQLQueryString {
            var text: SQLQueryString = ""
            for (index, cutoff) in cutoffs.enumerated() {
                text += ", SUM(CASE WHEN \(unsafeRaw: since) <= \(bind: cutoff)"
                if let until { text += " AND \(unsafeRaw: until) > \(bind: cutoff)" }
                text += " AND (c.archived_at IS NULL OR c.archived_at > \(bind: cutoff)) THEN 1 ELSE 0 END) AS m\(unsafeRaw: String(index))"
            }
            return text
        }
        let filter = visibility.condition(on: "c")
        var query: SQLQueryString = "SELECT p.stage AS stage"
        query += columns(since: "p.since", until: "p.until")
        query += " FROM stage_periods p JOIN customers c ON c.id = p.customer_id WHERE 1 = 1"
        query += filter
        query += " GROUP BY p.stage UNION ALL SELECT s.stage AS stage"
        query += columns(since: "s.stage_since", until: nil)
        query += " FROM customer_stats s JOIN customers c ON c.number = s.number WHERE 1 = 1"
        query += filter
        query += " GROUP BY s.stage"
        var counts = Array(repeating: Dictionary(uniqueKeysWithValues: LifecycleStage.allCases.map { ($0, 0) }),
                           count: cutoffs.count)
        for row in try await sql.raw(query).all() {
            guard let stage = LifecycleStage(rawValue: try row.decode(column: "stage", as: String.self)) else {
                throw StoreError.corrupt("a customer has an unknown stage")
            }
            for index in cutoffs.indices {
                counts[index][stage, default: 0] += Int(try row.decode(column: "m\(index)", as: Int64?.self) ?? 0)
            }
        }
        return counts
    }

    /// Current customers created at or after `instant`.
    public func newCustomers(since instant: Date, visibleTo visibility: CustomerVisibility) async throws -> Int {
        var query: SQLQueryString = """
            SELECT COUNT(*) AS n FROM customers c WHERE c.created_at >= \(bind: instant) AND c.archived_at IS NULL
            """
        query += visibility.condition(on: "c")
        return try await count(query)
    }

    /// Customers who entered the churned stage at or after `instant` (and are not archived), whether they are still
    /// churned or have come back since.
    public func churned(since instant: Date, visibleTo visibility: CustomerVisibility) async throws -> Int {
        let filter = visibility.condition(on: "c")
        var query: SQLQueryString = """
            SELECT COUNT(DISTINCT customer_id) AS n FROM (SELECT s.customer_id AS customer_id FROM customer_stats s \
            JOIN customers c ON c.number = s.number WHERE s.stage = 'churned' AND s.stage_since >= \(bind: instant) \
            AND c.archived_at IS NULL
            """
        query += filter
        query += """
             UNION ALL SELECT p.customer_id AS customer_id FROM stage_periods p JOIN customers c ON c.id = p.customer_id \
            WHERE p.stage = 'churned' AND p.since >= \(bind: instant) AND c.archived_at IS NULL
            """
        query += filter
        query += ") AS entered"
        return try await count(query)
    }

    /// Purchases minus refunds, in minor units, for each period `[starts[i], starts[i + 1])`; the last period ends
    /// at `end`.
    public func netRevenue(periods starts: [Date], end: Date, visibleTo visibility: CustomerVisibility) async throws
        -> [Int64]
    {
        guard let first = starts.first else { return [] }
        let bounds = starts + [end]
        var query: SQLQueryString = "SELECT 0 AS none"
        for index in starts.indices {
            query += """
                , CAST(SUM(CASE WHEN t.occurred_at >= \(bind: bounds[index]) AND t.occurred_at < \(bind: bounds[index + 1]) \
                THEN (CASE WHEN t.kind = 'refund' THEN -t.amount_minor ELSE t.amount_minor END) ELSE 0 END) AS BIGINT) \
                AS m\(unsafeRaw: String(index))
                """
        }
        query += " FROM transactions t"
        query += visibility.join(on: "t.customer_id")
        query += " WHERE t.occurred_at >= \(bind: first) AND t.occurred_at < \(bind: end)"
        query += visibility.condition(on: "c")
        guard let row = try await sql.raw(query).first() else { return starts.map { _ in 0 } }
        return try starts.indices.map { try row.decode(column: "m\($0)", as: Int64?.self) ?? 0 }
    }

    /// How many scored, current customers each RFM group holds (groups with none are absent).
    public func rfmGroups(visibleTo visibility: CustomerVisibility) async throws -> [String: Int] {
        var query: SQLQueryString = """
            SELECT v.rfm_group AS grp, COUNT(*) AS n FROM customer_values v JOIN customers c ON c.number = v.number \
            WHERE c.archived_at IS NULL
            """
        query += visibility.condition(on: "c")
        query += " GROUP BY v.rfm_group"
        var groups: [String: Int] = [:]
        for row in try await sql.raw(query).all() {
            groups[try row.decode(column: "grp", as: String.self)] = Int(try row.decode(column: "n", as: Int64.self))
        }
        return groups
    }

    /// The average quality (1–5) of rated interactions and how many were rated, per period as `netRevenue`'s.
    public func interactionQuality(periods starts: [Date], end: Date, visibleTo visibility: CustomerVisibility)
        async throws -> [(average: Double?, rated: Int)]
    {
        guard let first = starts.first else { return [] }
        let bounds = starts + [end]
        var query: SQLQueryString = "SELECT 0 AS none"
        for index in starts.indices {
            let inside: SQLQueryString = """
                i.quality IS NOT NULL AND i.occurred_at >= \(bind: bounds[index]) AND i.occurred_at < \(bind: bounds[index + 1])
                """
            query += ", CAST(SUM(CASE WHEN "
            query += inside
            query += " THEN i.quality ELSE 0 END) AS BIGINT) AS s\(unsafeRaw: String(index)), SUM(CASE WHEN "
            query += inside
            query += " THEN 1 ELSE 0 END) AS n\(unsafeRaw: String(index))"
        }
        query += " FROM interactions i"
        query += visibility.join(on: "i.customer_id")
        query += " WHERE i.occurred_at >= \(bind: first) AND i.occurred_at < \(bind: end)"
        query += visibility.condition(on: "c")
        guard let row = try await sql.raw(query).first() else { return starts.map { _ in (nil, 0) } }
        return try starts.indices.map { index in
            let rated = Int(try row.decode(column: "n\(index)", as: Int64?.self) ?? 0)
            let sum = Double(try row.decode(column: "s\(index)", as: Int64?.self) ?? 0)
            return (rated == 0 ? nil : sum / Double(rated), rated)
        }
    }

    private func count(_ query: SQLQueryString) async throws -> Int {
        Int(try await sql.raw(query).first()?.decode(column: "n", as: Int64.self) ?? 0)
    }
}

extension CustomerVisibility {
    /// ` JOIN customers c` on a table's customer ID, when this visibility needs the customers' owners and teams; for
    /// everything, money and ratings are summed without touching the customers at all.
    func join(on customerID: String) -> SQLQueryString {
        self == .all ? "" : " JOIN customers c ON c.id = \(unsafeRaw: customerID)"
    }

    /// ` AND (…)` keeping the customers this visibility allows, on the customers table named `alias`; empty for all.
    func condition(on alias: String) -> SQLQueryString {
        guard case .ownedBy(let userID, let team) = self else { return "" }
        return " AND (\(unsafeRaw: alias).owner_id = \(bind: userID) OR \(unsafeRaw: alias).team = \(bind: team))"
    }
}
