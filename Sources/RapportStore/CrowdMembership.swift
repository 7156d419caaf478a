import FluentKit
import Foundation
import RapportCore
import SQLKit
import SQLiteNIO

/// Keeps `crowd_members` equal to what the crowds' rules select, recording each entry and exit: a `crowd_entered` or
/// `crowd_left` event, and for an exit the ended membership in `crowd_exits`.
///
/// Two ways in, one meaning (the property tests hold the evaluators to it): after one customer's write its crowds
/// are decided in memory (`CrowdRule.matches` on its `CrowdSubject`); after a recompute, or when a crowd is created
/// or its rule edited, every customer is decided in SQL, all the crowds' conditions in one scan.
enum CrowdMembership {
    /// An entry or an exit.
    struct Change: Sendable {
        let crowd: Crowd
        let number: Int64
        let customerID: UUID
        /// When the membership began, for an exit; nil for an entry.
        let memberSince: Date?
    }

    /// What a full refresh did.
    struct Outcome: Sendable, Equatable {
        var entered = 0
        var left = 0
    }

    /// Decides one customer's crowds again, inside the caller's write transaction.
    static func refresh(_ customerID: UUID, at now: Date, on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        let crowds = try await CrowdRepository.crowds(on: sql)
        guard !crowds.isEmpty,
            let loaded = try await CrowdSubjects.load(where: "customers.id = \(bind: customerID)", on: sql).first
        else { return }
        let today = BusinessDay.number(of: now)
        let inside = loaded.archived ? [] : Set(crowds.filter { $0.rule.matches(loaded.subject, today: today) }.map(\.id))
        var was: [UUID: Date] = [:]
        for row in try await sql.raw("""
            SELECT crowd_id, since FROM crowd_members WHERE number = \(bind: loaded.number)
            """).all()
        {
            was[try row.decode(column: "crowd_id", as: UUID.self)] = try row.decode(column: "since", as: Date.self)
        }
        var changes: [Change] = []
        for crowd in crowds where inside.contains(crowd.id) != (was[crowd.id] != nil) {
            changes.append(Change(crowd: crowd, number: loaded.number, customerID: customerID,
                                  memberSince: was[crowd.id]))
        }
        try await apply(changes, at: now, on: database)
    }

    /// Decides every customer's membership of `crowds` in SQL and applies the differences, one bulk transaction.
    static func refreshAll(_ crowds: [Crowd], at now: Date, store: RapportDatabase) async throws -> Outcome {
        guard !crowds.isEmpty else { return Outcome() }
        return try await store.write(bulk: true) { database in
            let current = try await members(of: crowds, on: database)
            let matches = try await scan(crowds, today: BusinessDay.number(of: now), on: database)
            let matched = matches.matched, ids = matches.ids
            var changes: [Change] = []
            var outcome = Outcome()
            for (index, crowd) in crowds.enumerated() {
                let before = current[crowd.id] ?? [:]
                for number in matched[index] where before[number] == nil {
                    changes.append(Change(crowd: crowd, number: number, customerID: ids[number]!, memberSince: nil))
                    outcome.entered += 1
                }
                for (number, member) in before where !matched[index].contains(number) {
                    changes.append(Change(crowd: crowd, number: number, customerID: member.id,
                                          memberSince: member.since))
                    outcome.left += 1
                }
            }
            try await apply(changes, at: now, on: database)
            return outcome
        }
    }

    /// Ends every membership of a crowd about to be deleted, recording the exits as events.
    static func empty(_ crowd: Crowd, at now: Date, on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        let current = try await members(of: [crowd], on: database)[crowd.id] ?? [:]
        try await recordEvents(current.map { number, member in
            Change(crowd: crowd, number: number, customerID: member.id, memberSince: member.since)
        }, at: now, on: database)
        try await sql.raw("DELETE FROM crowd_members WHERE crowd_id = \(bind: crowd.id)").run()
        try await sql.raw("DELETE FROM crowd_exits WHERE crowd_id = \(bind: crowd.id)").run()
    }

    // MARK: - Writing

    /// Writes entries into `crowd_members`, moves exits to `crowd_exits`, and appends their events.
    static func apply(_ changes: [Change], at now: Date, on database: any Database) async throws {
        guard !changes.isEmpty else { return }
        let sql = database as! any SQLDatabase
        let entries = changes.filter { $0.memberSince == nil }
        let exits = changes.filter { $0.memberSince != nil }
        if let sqlite = database as? any SQLiteDatabase {
            let seconds = SQLiteData.float(now.timeIntervalSince1970)
            try await SQLiteBulkInsert.insert(
                into: "crowd_members", columns: ["crowd_id", "number", "customer_id", "since"],
                rows: entries.map { [Self.sqlite($0.crowd.id), .integer(Int($0.number)), Self.sqlite($0.customerID),
                                     seconds] },
                on: sqlite)
            try await SQLiteBulkInsert.insert(
                into: "crowd_exits", columns: ["crowd_id", "number", "since", "until"],
                rows: exits.map { [Self.sqlite($0.crowd.id), .integer(Int($0.number)),
                                   .float($0.memberSince!.timeIntervalSince1970), seconds] },
                on: sqlite)
        } else {
            for chunk in entries.chunked(into: 1000) {
                let insert = sql.insert(into: "crowd_members").columns("crowd_id", "number", "customer_id", "since")
                for change in chunk {
                    insert.values(SQLBind(change.crowd.id), SQLBind(change.number), SQLBind(change.customerID),
                                  SQLBind(now))
                }
                try await insert.run()
            }
            for chunk in exits.chunked(into: 1000) {
                let insert = sql.insert(into: "crowd_exits").columns("crowd_id", "number", "since", "until")
                for change in chunk {
                    insert.values(SQLBind(change.crowd.id), SQLBind(change.number), SQLBind(change.memberSince!),
                                  SQLBind(now))
                }
                try await insert.run()
            }
        }
        for (crowdID, crowdExits) in Dictionary(grouping: exits, by: \.crowd.id) {
            for chunk in crowdExits.chunked(into: 500) {
                try await sql.delete(from: "crowd_members").where("crowd_id", .equal, crowdID)
                    .where("number", .in, chunk.map(\.number)).run()
            }
        }
        try await recordEvents(changes, at: now, on: database)
    }

    private static func recordEvents(_ changes: [Change], at now: Date, on database: any Database) async throws {
        let events = changes.map { change in
            let crowd: JSONValue = ["id": .string(change.crowd.id.uuidString.lowercased()),
                                    "name": .string(change.crowd.name)]
            let entered = change.memberSince == nil
            return NewChangeEvent(
                customerID: change.customerID, family: .status, kind: entered ? .crowdEntered : .crowdLeft,
                field: "crowds", oldValue: entered ? nil : crowd, newValue: entered ? crowd : nil, actor: .system,
                source: .rule, occurredAt: now)
        }
        try await EventLog.append(events, recordedAt: now, on: database)
    }

    // MARK: - Reading

    /// A current membership.
    struct Member: Sendable {
        let id: UUID
        let since: Date
    }

    /// Who is in each of `crowds` now, by customer number.
    private static func members(of crowds: [Crowd], on database: any Database) async throws
        -> [UUID: [Int64: Member]]
    {
        let collector = MemberCollector()
        let sql = database as! any SQLDatabase
        for crowd in crowds {
            if let sqlite = database as? any SQLiteDatabase {
                try await sqlite.query("SELECT number, customer_id, since FROM crowd_members WHERE crowd_id = ?",
                                       [Self.sqlite(crowd.id)]) { row in
                    guard case .integer(let number)? = row.column("number"),
                        case .text(let id)? = row.column("customer_id"), let uuid = UUIDText.parse(id),
                        let since = row.column("since").flatMap(Date.init(sqliteData:))
                    else { return }
                    collector.add(crowd.id, Int64(number), Member(id: uuid, since: since))
                }
            } else {
                try await sql.raw("""
                    SELECT number, customer_id, since FROM crowd_members WHERE crowd_id = \(bind: crowd.id)
                    """).run { row in
                    guard let number = try? row.decode(column: "number", as: Int64.self),
                        let id = try? row.decode(column: "customer_id", as: UUID.self),
                        let since = try? row.decode(column: "since", as: Date.self)
                    else { return }
                    collector.add(crowd.id, number, Member(id: id, since: since))
                }
            }
        }
        return collector.members
    }

    /// Collects membership rows as the database streams them.
    private final class MemberCollector: @unchecked Sendable {
        var members: [UUID: [Int64: Member]] = [:]

        func add(_ crowd: UUID, _ number: Int64, _ member: Member) {
            members[crowd, default: [:]][number] = member
        }
    }

    /// Every current customer's membership of each crowd, decided in SQL in one scan: the numbers in each crowd, and
    /// the IDs of the customers in any.
    private static func scan(_ crowds: [Crowd], today: Int, on database: any Database) async throws -> Matches {
        let sql = database as! any SQLDatabase
        let compiler = CrowdSQL(CrowdSQL.Dialect(sql), today: today)
        var query: SQLQueryString = "SELECT customers.number, customers.id"
        for (index, crowd) in crowds.enumerated() { query += ", \(compiler.condition(crowd.rule)) AS m\(unsafeRaw: String(index))" }
        query += " FROM \(unsafeRaw: CrowdSQL.tables(for: .or(crowds.map(\.rule)))) WHERE customers.archived_at IS NULL"
        let matches = Matches(crowds: crowds.count)
        if let sqlite = database as? any SQLiteDatabase {
            // Straight from sqlite-nio: SQLKit's row decoding would cost more than the scan.
            var serializer = SQLSerializer(database: sql)
            query.serialize(to: &serializer)
            let binds = try serializer.binds.map { bind -> SQLiteData in
                switch bind {
                case let text as String: return .text(text)
                case let number as Double: return .float(number)
                default: throw StoreError.corrupt("a crowd condition bound a \(type(of: bind))")
                }
            }
            try await sqlite.query(serializer.sql, binds) { row in
                guard case .integer(let number)? = row.column("number"), case .text(let text)? = row.column("id"),
                    let id = UUIDText.parse(text)
                else { return }
                for index in crowds.indices {
                    if case .integer(1)? = row.column("m\(index)") { matches.add(Int64(number), id, to: index) }
                }
            }
        } else {
            try await sql.raw(query).run { row in
                guard let number = try? row.decode(column: "number", as: Int64.self),
                    let id = try? row.decode(column: "id", as: UUID.self)
                else { return }
                for index in crowds.indices where (try? row.decode(column: "m\(index)", as: Bool.self)) == true {
                    matches.add(number, id, to: index)
                }
            }
        }
        return matches
    }

    /// Collects a scan's rows as the database streams them (one row at a time).
    private final class Matches: @unchecked Sendable {
        var matched: [Set<Int64>]
        var ids: [Int64: UUID] = [:]

        init(crowds: Int) { matched = Array(repeating: [], count: crowds) }

        func add(_ number: Int64, _ id: UUID, to crowd: Int) {
            matched[crowd].insert(number)
            ids[number] = id
        }
    }

    private static func sqlite(_ id: UUID) -> SQLiteData {
        .text(UUIDText.format(id, uppercase: true))
    }
}
