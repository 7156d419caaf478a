import FluentKit
import Foundation
import RapportCore
import SQLKit
import Synchronization

/// Crowds: their definitions, their materialised members, counts and trend, and rules run ad hoc (previews and the
/// `filter` of customer lists). Counts and members are always those the caller may see.
public struct CrowdRepository: Sendable {
    let store: RapportDatabase

    /// Wraps the database.
    public init(_ store: RapportDatabase) {
        self.store = store
    }

    // MARK: - Definitions

    /// Every crowd, built-in ones first in their defined order, then the others oldest first.
    public func list() async throws -> [Crowd] {
        try await Self.crowds(on: store.database as! any SQLDatabase)
    }

    /// The crowd with this ID, or the built-in crowd with this key (`churned`).
    /// - Throws: `StoreError.notFound`.
    public func find(_ idOrKey: String) async throws -> Crowd {
        let crowds = try await list()
        let id = UUID(uuidString: idOrKey)
        guard let crowd = crowds.first(where: { $0.id == id || ($0.key != nil && $0.key == idOrKey) }) else {
            throw StoreError.notFound
        }
        return crowd
    }

    /// Creates a crowd and decides its members, recording their entries.
    public func create(name: String, description: String, rule: CrowdRule) async throws -> Crowd {
        let now = store.clock.now()
        let crowd = Crowd(id: TimeOrderedID.make(at: now), key: nil, name: name, description: description, rule: rule,
                          createdAt: now, updatedAt: now)
        try await store.write { database in
            try await (database as! any SQLDatabase).insert(into: "crowds")
                .columns("id", "key", "name", "description", "rule", "created_at", "updated_at")
                .values(SQLBind(crowd.id), SQLLiteral.null, SQLBind(name), SQLBind(description), SQLBind(rule.text),
                        SQLBind(now), SQLBind(now))
                .run()
        }
        _ = try await CrowdMembership.refreshAll([crowd], at: now, store: store)
        return crowd
    }

    /// Changes a crowd; a new rule is decided for everyone at once, recording the entries and exits it causes.
    /// - Throws: `StoreError.notFound`; `StoreError.forbidden` for a built-in crowd.
    public func update(_ idOrKey: String, name: String?, description: String?, rule: CrowdRule?) async throws -> Crowd {
        var crowd = try await find(idOrKey)
        guard !crowd.isBuiltIn else { throw StoreError.forbidden("built-in crowds cannot be changed") }
        let now = store.clock.now()
        let ruleChanged = rule != nil && rule != crowd.rule
        crowd.name = name ?? crowd.name
        crowd.description = description ?? crowd.description
        crowd.rule = rule ?? crowd.rule
        crowd.updatedAt = now
        let updated = crowd
        try await store.write { database in
            try await (database as! any SQLDatabase).update("crowds")
                .set("name", to: SQLBind(updated.name)).set("description", to: SQLBind(updated.description))
                .set("rule", to: SQLBind(updated.rule.text)).set("updated_at", to: SQLBind(now))
                .where("id", .equal, SQLBind(updated.id)).run()
        }
        if ruleChanged { _ = try await CrowdMembership.refreshAll([updated], at: now, store: store) }
        return updated
    }

    /// Deletes a crowd; its members leave it (each exit an event) and its history goes with it.
    /// - Throws: `StoreError.notFound`; `StoreError.forbidden` for a built-in crowd.
    public func delete(_ idOrKey: String) async throws {
        let crowd = try await find(idOrKey)
        guard !crowd.isBuiltIn else { throw StoreError.forbidden("built-in crowds cannot be deleted") }
        let now = store.clock.now()
        try await store.write(bulk: true) { database in
            try await CrowdMembership.empty(crowd, at: now, on: database)
            try await (database as! any SQLDatabase).delete(from: "crowds").where("id", .equal, SQLBind(crowd.id)).run()
        }
    }

    /// Adds the built-in crowds that are missing and brings the others' names and rules up to date; returns whether
    /// anything changed (then their members need a refresh).
    @discardableResult
    public func installBuiltIns() async throws -> Bool {
        let now = store.clock.now()
        let existing = try await list()
        return try await store.write { database in
            let sql = database as! any SQLDatabase
            var changed = false
            for builtIn in BuiltInCrowd.all {
                if let crowd = existing.first(where: { $0.key == builtIn.key }) {
                    guard crowd.name != builtIn.name || crowd.description != builtIn.description
                        || crowd.rule != builtIn.rule
                    else { continue }
                    try await sql.update("crowds").set("name", to: SQLBind(builtIn.name))
                        .set("description", to: SQLBind(builtIn.description)).set("rule", to: SQLBind(builtIn.rule.text))
                        .set("updated_at", to: SQLBind(now)).where("id", .equal, SQLBind(crowd.id)).run()
                } else {
                    try await sql.insert(into: "crowds")
                        .columns("id", "key", "name", "description", "rule", "created_at", "updated_at")
                        .values(SQLBind(TimeOrderedID.make(at: now)), SQLBind(builtIn.key), SQLBind(builtIn.name),
                                SQLBind(builtIn.description), SQLBind(builtIn.rule.text), SQLBind(now), SQLBind(now))
                        .run()
                }
                changed = true
            }
            return changed
        }
    }

    /// Decides every crowd's members again as of `instant` (after a recompute), recording entries and exits.
    public func refreshAll(at instant: Date? = nil) async throws -> CrowdRefreshReport {
        let started = Date()
        let crowds = try await list()
        let outcome = try await CrowdMembership.refreshAll(crowds, at: instant ?? store.clock.now(), store: store)
        return CrowdRefreshReport(crowds: crowds.count, entered: outcome.entered, left: outcome.left,
                                  seconds: Date().timeIntervalSince(started))
    }

    // MARK: - Members

    /// How many of a crowd's members the caller may see.
    public func count(of crowd: Crowd, visibleTo visibility: CustomerVisibility) async throws -> Int {
        try await counts(of: [crowd], visibleTo: visibility)[crowd.id] ?? 0
    }

    /// How many of each crowd's members the caller may see, in one query; crowds without members are left out.
    public func counts(of crowds: [Crowd], visibleTo visibility: CustomerVisibility) async throws -> [UUID: Int] {
        guard !crowds.isEmpty else { return [:] }
        var query: SQLQueryString = "SELECT crowd_members.crowd_id, count(*) AS n FROM crowd_members"
        if case .ownedBy = visibility {
            query += " JOIN customers ON customers.number = crowd_members.number"
        }
        query += " WHERE crowd_members.crowd_id IN (\(binds: crowds.map(\.id)))"
        query += Self.visibility(visibility)
        query += " GROUP BY crowd_members.crowd_id"
        var counts: [UUID: Int] = [:]
        for row in try await (store.database as! any SQLDatabase).raw(query).all() {
            counts[try row.decode(column: "crowd_id", as: UUID.self)] = Int(try row.decode(column: "n", as: Int64.self))
        }
        return counts
    }

    /// A page of a crowd's members the caller may see, newest number first: now, or at the end of the instant
    /// `asOf` (who was a member then; the customers as they are now).
    public func members(
        of crowd: Crowd, asOf: Date?, before: CustomerNumber?, limit: Int, visibleTo visibility: CustomerVisibility
    ) async throws -> [StoredCustomer] {
        var query: SQLQueryString = """
            SELECT \(unsafeRaw: CustomerRepository.storedColumns.joined(separator: ", ")) \
            FROM \(unsafeRaw: CustomerRepository.joinedTables) JOIN 
            """
        if let asOf {
            query += """
                (SELECT number FROM crowd_members WHERE crowd_id = \(bind: crowd.id) AND since <= \(bind: asOf) \
                UNION ALL SELECT number FROM crowd_exits WHERE crowd_id = \(bind: crowd.id) AND since <= \(bind: asOf) \
                AND until > \(bind: asOf)) m ON m.number = customers.number WHERE TRUE
                """
        } else {
            query += "crowd_members m ON m.number = customers.number WHERE m.crowd_id = \(bind: crowd.id)"
        }
        query += Self.visibility(visibility)
        // Paged and ordered on the membership's number (the same as the customer's): a page of current members is
        // read backwards from the (crowd_id, number) key and stops after `limit`, however big the crowd.
        if let before { query += " AND m.number < \(bind: before.value)" }
        query += " ORDER BY m.number DESC LIMIT \(bind: limit)"
        return try await (store.database as! any SQLDatabase).raw(query).all().map(CustomerRepository.stored(from:))
    }

    /// Members the caller may see at the end of each of the last `days` days (UTC), oldest first, today last.
    public func trend(of crowd: Crowd, days: Int, visibleTo visibility: CustomerVisibility) async throws
        -> [(day: Int, members: Int)]
    {
        let sql = store.database as! any SQLDatabase
        let today = BusinessDay.number(of: store.clock.now())
        let first = today - days + 1
        let day: (String) -> String = { column in
            CrowdSQL.Dialect(sql) == .sqlite ? "CAST(\(column) / 86400 AS INTEGER)"
                : "CAST(floor(extract(epoch FROM \(column)) / 86400) AS BIGINT)"
        }
        let join: SQLQueryString = visibility == .all ? "" : " JOIN customers ON customers.number = t.number"
        var members: SQLQueryString = """
            SELECT \(unsafeRaw: day("t.since")) AS since_day, count(*) AS n FROM crowd_members t\(join) \
            WHERE t.crowd_id = \(bind: crowd.id)
            """
        members += Self.visibility(visibility)
        members += " GROUP BY \(unsafeRaw: day("t.since"))"
        var exits: SQLQueryString = """
            SELECT \(unsafeRaw: day("t.since")) AS since_day, \(unsafeRaw: day("t.until")) AS until_day, count(*) AS n \
            FROM crowd_exits t\(join) WHERE t.crowd_id = \(bind: crowd.id) \
            AND t.until >= \(bind: BusinessDay.start(of: first))
            """
        exits += Self.visibility(visibility)
        exits += " GROUP BY \(unsafeRaw: day("t.since")), \(unsafeRaw: day("t.until"))"
        // counts[i] is the members at the end of day first + i; a membership counts from its first day to the day
        // before it ended.
        var change = Array(repeating: 0, count: days + 1)
        func add(from since: Int, until: Int, _ n: Int) {
            let start = max(since, first) - first, end = min(until, today + 1) - first
            guard start < end else { return }
            change[start] += n
            change[end] -= n
        }
        for row in try await sql.raw(members).all() {
            add(from: Int(try row.decode(column: "since_day", as: Int64.self)), until: today + 1,
                Int(try row.decode(column: "n", as: Int64.self)))
        }
        for row in try await sql.raw(exits).all() {
            add(from: Int(try row.decode(column: "since_day", as: Int64.self)),
                until: Int(try row.decode(column: "until_day", as: Int64.self)),
                Int(try row.decode(column: "n", as: Int64.self)))
        }
        var running = 0
        return (0..<days).map { index in
            running += change[index]
            return (first + index, running)
        }
    }

    // MARK: - Rules run ad hoc

    /// How many current customers the caller may see `rule` selects.
    public func count(matching rule: CrowdRule, visibleTo visibility: CustomerVisibility) async throws -> Int {
        let sql = store.database as! any SQLDatabase
        var query: SQLQueryString = """
            SELECT count(*) AS n FROM \(unsafeRaw: CrowdSQL.tables(for: rule)) WHERE customers.archived_at IS NULL \
            AND \(CrowdSQL(sql, now: store.clock.now()).condition(rule))
            """
        query += Self.visibility(visibility)
        return Int(try await sql.raw(query).first()?.decode(column: "n", as: Int64.self) ?? 0)
    }

    // MARK: - Helpers

    /// Every crowd with its parsed rule.
    static func crowds(on sql: any SQLDatabase) async throws -> [Crowd] {
        let crowds = try await sql.raw("SELECT * FROM crowds").all().map { row in
            let text = try row.decode(column: "rule", as: String.self)
            let rule = try Self.parsed(text)
            return Crowd(
                id: try row.decode(column: "id", as: UUID.self), key: try row.decode(column: "key", as: String?.self),
                name: try row.decode(column: "name", as: String.self),
                description: try row.decode(column: "description", as: String.self), rule: rule,
                createdAt: try row.decode(column: "created_at", as: Date.self),
                updatedAt: try row.decode(column: "updated_at", as: Date.self))
        }
        let order = Dictionary(uniqueKeysWithValues: BuiltInCrowd.all.enumerated().map { ($1.key, $0) })
        return crowds.sorted { left, right in
            switch (left.key.flatMap { order[$0] }, right.key.flatMap { order[$0] }) {
            case (let l?, let r?): l < r
            case (_?, nil): true
            case (nil, _?): false
            case (nil, nil): (left.createdAt, left.id.uuidString) < (right.createdAt, right.id.uuidString)
            }
        }
    }

    /// Stored rules by their text: every customer write decides its crowds, and parsing them all each time would
    /// cost more than the decision. The text is the key, so a cached tree is always the one the text means.
    private static let parsedRules = Mutex<[String: CrowdRule]>([:])

    private static func parsed(_ text: String) throws -> CrowdRule {
        if let rule = parsedRules.withLock({ $0[text] }) { return rule }
        let rule: CrowdRule
        do {
            rule = try CrowdRuleParser().parse(text)
        } catch {
            throw StoreError.corrupt("crowd rule '\(text)' no longer parses: \(error)")
        }
        parsedRules.withLock { rules in
            if rules.count >= 1000 { rules.removeAll() }
            rules[text] = rule
        }
        return rule
    }

    private static func visibility(_ visibility: CustomerVisibility) -> SQLQueryString {
        guard case .ownedBy(let userID, let team) = visibility else { return "" }
        return " AND (customers.owner_id = \(bind: userID) OR customers.team = \(bind: team))"
    }
}

/// What a refresh of every crowd did.
public struct CrowdRefreshReport: Sendable, Equatable {
    /// How many crowds were decided.
    public let crowds: Int
    public let entered: Int
    public let left: Int
    public let seconds: Double
}
