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
/// or its rule edited, every customer is decided in SQL, all the crowds' conditions in one scan, and the members
/// before and after are compared as bitsets over customer numbers.
enum CrowdMembership {
    /// A crowd as its events name it: `{"id": …, "name": …}`, encoded once for all its members' events.
    final class Label: Sendable {
        let id: UUID
        let payload: String

        init(_ crowd: Crowd) {
            id = crowd.id
            payload = JSONValue.object(["id": .string(UUIDText.format(crowd.id)), "name": .string(crowd.name)])
                .encodedText()
        }
    }

    /// An entry or an exit.
    struct Change: Sendable {
        let crowd: Label
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

    /// Changes are written this many at a time, so that a first refresh of a million customers keeps its memory.
    private static let batch = 20_000

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
        let changes = crowds.filter { inside.contains($0.id) != (was[$0.id] != nil) }.map { crowd in
            Change(crowd: Label(crowd), number: loaded.number, customerID: customerID, memberSince: was[crowd.id])
        }
        try await apply(changes, at: now, on: database)
    }

    /// Decides every customer's membership of `crowds` in SQL and applies the differences, one bulk transaction.
    static func refreshAll(_ crowds: [Crowd], at now: Date, store: RapportDatabase) async throws -> Outcome {
        guard !crowds.isEmpty else { return Outcome() }
        return try await store.write(bulk: true) { database in
            let sql = database as! any SQLDatabase
            try await lockMembers(on: sql)
            let largest = try await sql.raw("SELECT max(number) AS n FROM customers").first()?
                .decode(column: "n", as: Int64?.self) ?? 0
            let matched = try await scan(crowds, upTo: largest, today: BusinessDay.number(of: now), on: sql)
            let current = try await members(of: crowds.map(\.id), upTo: largest, on: sql)
            var outcome = Outcome()
            for (index, crowd) in crowds.enumerated() {
                let label = Label(crowd)
                let before = current[crowd.id] ?? NumberSet(upTo: largest)
                for numbers in matched[index].subtracting(before).chunked(into: batch) {
                    try await apply(try await entries(of: label, Array(numbers), on: sql), at: now, on: database)
                    outcome.entered += numbers.count
                }
                for numbers in before.subtracting(matched[index]).chunked(into: batch) {
                    try await apply(try await exits(of: label, Array(numbers), on: sql), at: now, on: database)
                    outcome.left += numbers.count
                }
            }
            return outcome
        }
    }

    /// Ends every membership of a crowd about to be deleted, recording the exits as events.
    static func empty(_ crowd: Crowd, at now: Date, on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await lockMembers(on: sql)
        let label = Label(crowd)
        let largest = try await sql.raw("SELECT max(number) AS n FROM crowd_members WHERE crowd_id = \(bind: crowd.id)")
            .first()?.decode(column: "n", as: Int64?.self) ?? 0
        let current = try await members(of: [crowd.id], upTo: largest, on: sql)[crowd.id] ?? NumberSet(upTo: 0)
        for numbers in current.elements.chunked(into: batch) {
            try await recordEvents(try await exits(of: label, Array(numbers), on: sql), at: now, on: database)
        }
        try await sql.raw("DELETE FROM crowd_members WHERE crowd_id = \(bind: crowd.id)").run()
        try await sql.raw("DELETE FROM crowd_exits WHERE crowd_id = \(bind: crowd.id)").run()
    }

    /// On PostgreSQL, makes writers of single customers' memberships wait until this transaction commits: its
    /// comparison of before and after must not race with theirs. (SQLite's write gate already runs one writer.)
    private static func lockMembers(on sql: any SQLDatabase) async throws {
        guard CrowdSQL.Dialect(sql) == .postgres else { return }
        try await sql.raw("LOCK TABLE crowd_members IN SHARE ROW EXCLUSIVE MODE").run()
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
            let entered = change.memberSince == nil
            return EventLog.EncodedEvent(
                NewChangeEvent(customerID: change.customerID, family: .status,
                               kind: entered ? .crowdEntered : .crowdLeft, field: "crowds", actor: .system,
                               source: .rule, occurredAt: now),
                oldValue: entered ? nil : change.crowd.payload, newValue: entered ? change.crowd.payload : nil)
        }
        try await EventLog.append(encoded: events, recordedAt: now, on: database)
    }

    // MARK: - Reading

    /// The exits of these members of a crowd, with their customer IDs and since when they were members.
    private static func exits(of crowd: Label, _ numbers: [Int64], on sql: any SQLDatabase) async throws -> [Change] {
        var changes: [Change] = []
        for chunk in numbers.chunked(into: 500) {
            let rows = try await sql.select().columns("number", "customer_id", "since").from("crowd_members")
                .where("crowd_id", .equal, crowd.id).where("number", .in, Array(chunk)).all()
            for row in rows {
                changes.append(Change(
                    crowd: crowd, number: try row.decode(column: "number", as: Int64.self),
                    customerID: try row.decode(column: "customer_id", as: UUID.self),
                    memberSince: try row.decode(column: "since", as: Date.self)))
            }
        }
        return changes
    }

    /// The entries of these customers into a crowd, with their IDs.
    private static func entries(of crowd: Label, _ numbers: [Int64], on sql: any SQLDatabase) async throws
        -> [Change]
    {
        var changes: [Change] = []
        for chunk in numbers.chunked(into: 500) {
            for row in try await sql.select().columns("number", "id").from("customers")
                .where("number", .in, Array(chunk)).all()
            {
                changes.append(Change(crowd: crowd, number: try row.decode(column: "number", as: Int64.self),
                                      customerID: try row.decode(column: "id", as: UUID.self), memberSince: nil))
            }
        }
        return changes
    }

    /// The numbers of the crowds' members now, read in one pass over the primary key's index.
    private static func members(of crowds: [UUID], upTo largest: Int64, on sql: any SQLDatabase) async throws
        -> [UUID: NumberSet]
    {
        var sets: [UUID: NumberSet] = [:]
        for chunk in crowds.chunked(into: 100) {
            let query: SQLQueryString = """
                SELECT crowd_id, number / 64 AS word, \(bits("number", when: nil, on: sql)) AS bits \
                FROM crowd_members WHERE crowd_id IN (\(binds: Array(chunk))) GROUP BY crowd_id, number / 64
                """
            for row in try await sql.raw(query).all() {
                sets[try row.decode(column: "crowd_id", as: UUID.self), default: NumberSet(upTo: largest)].insert(
                    word: Int(try row.decode(column: "word", as: Int64.self)),
                    bits: try row.decode(column: "bits", as: Int64.self))
            }
        }
        return sets
    }

    /// Every current customer's membership of each crowd, decided in SQL in one scan. SQLite and PostgreSQL return
    /// the members as words of 64 bits (a million customers are 15,625 rows, not a million), so the work is theirs.
    private static func scan(_ crowds: [Crowd], upTo largest: Int64, today: Int, on sql: any SQLDatabase)
        async throws -> [NumberSet]
    {
        let compiler = CrowdSQL(.init(sql), today: today)
        var query: SQLQueryString = "SELECT customers.number / 64 AS word"
        for (index, crowd) in crowds.enumerated() {
            query += ", \(bits("customers.number", when: compiler.condition(crowd.rule), on: sql)) "
            query += "AS m\(unsafeRaw: String(index))"
        }
        query += " FROM \(unsafeRaw: CrowdSQL.tables(for: .or(crowds.map(\.rule))))"
        query += " WHERE customers.archived_at IS NULL GROUP BY customers.number / 64"
        var sets = Array(repeating: NumberSet(upTo: largest), count: crowds.count)
        for row in try await sql.raw(query).all() {
            let word = Int(try row.decode(column: "word", as: Int64.self))
            for index in crowds.indices {
                sets[index].insert(word: word, bits: try row.decode(column: "m\(index)", as: Int64.self))
            }
        }
        return sets
    }

    /// An aggregate OR-ing bit `number % 64` of each row (where `condition` holds) into one 64-bit word; distinct
    /// bits, so SQLite's integer `sum` is their OR (bit 63 is the negative one, and the sum cannot overflow).
    private static func bits(_ number: String, when condition: SQLQueryString?, on sql: any SQLDatabase)
        -> SQLQueryString
    {
        let postgres = CrowdSQL.Dialect(sql) == .postgres
        let bit: SQLQueryString = postgres ? "(1::bigint << CAST(\(unsafeRaw: number) % 64 AS integer))"
            : "(1 << (\(unsafeRaw: number) % 64))"
        let term: SQLQueryString = condition.map { "CASE WHEN \($0) THEN \(bit) ELSE 0 END" } ?? bit
        return postgres ? "COALESCE(bit_or(\(term)), 0)" : "sum(\(term))"
    }

    private static func sqlite(_ id: UUID) -> SQLiteData {
        .text(UUIDText.format(id, uppercase: true))
    }
}

/// A set of customer numbers from 0 to a largest one, one bit each: a crowd of a million customers is 125 KB, and
/// comparing two crowds is a pass over their words.
struct NumberSet: Sendable {
    private var words: [UInt64]

    /// An empty set that can hold 0 through `largest`.
    init(upTo largest: Int64) {
        words = Array(repeating: 0, count: Int(max(largest, 0)) / 64 + 1)
    }

    /// One more than the largest number it can hold.
    var capacity: Int { words.count * 64 }

    mutating func insert(_ number: Int64) {
        let index = Int(number) / 64
        if index >= words.count { words += Array(repeating: 0, count: index + 1 - words.count) }
        words[index] |= 1 << UInt64(number % 64)
    }

    /// Adds the numbers of one word: bit `i` of `bits` is number `word * 64 + i`.
    mutating func insert(word: Int, bits: Int64) {
        if word >= words.count { words += Array(repeating: 0, count: word + 1 - words.count) }
        words[word] |= UInt64(bitPattern: bits)
    }

    /// Every number in the set, ascending.
    var elements: [Int64] { subtracting(NumberSet(upTo: 0)) }

    /// The numbers in this set and not in `other`, ascending.
    func subtracting(_ other: NumberSet) -> [Int64] {
        var numbers: [Int64] = []
        for index in words.indices {
            var word = words[index] & ~(index < other.words.count ? other.words[index] : 0)
            while word != 0 {
                numbers.append(Int64(index * 64 + word.trailingZeroBitCount))
                word &= word - 1
            }
        }
        return numbers
    }
}
