import Foundation
import RapportCore
import SQLKit

/// Compiles a crowd rule to a SQL condition over `customers`, `customer_stats` and (left-joined, when the rule reads
/// it) `customer_values`, for SQLite or PostgreSQL.
///
/// Every value of the rule is a bound parameter; the SQL text holds only column names and operators. The meaning is
/// `CrowdRule.matches`'s, two-valued: a predicate on a missing value is false, so wherever SQL's NULL could leak
/// into a `NOT` the operand is wrapped in `COALESCE(…, FALSE)` (at the top NULL is left to mean false); predicates on lists (tags, addresses) and on JSON
/// objects (attributes, consent) are `EXISTS` subqueries, false when there is nothing to look at. Dates compare by
/// UTC day as ranges of instants (`last_purchase_at < -90d` is `last_purchase_at < <start of that day>`), which an
/// index can serve; money compares in minor units.
struct CrowdSQL {
    /// The SQL dialects the compiler writes.
    enum Dialect {
        case sqlite, postgres

        init(_ database: any SQLDatabase) {
            self = database.dialect.name == "postgresql" ? .postgres : .sqlite
        }
    }

    let dialect: Dialect
    /// Now's day number, for relative dates.
    let today: Int
    /// A compiler for `dialect` with `today` as now.
    init(_ dialect: Dialect, today: Int) {
        self.dialect = dialect
        self.today = today
    }

    /// A compiler for `sql`'s dialect, its relative dates counted from the day of `now`.
    init(_ sql: any SQLDatabase, now: Date) {
        self.init(Dialect(sql), today: BusinessDay.number(of: now))
    }

    /// The condition. It may be NULL where the rule is false, which `WHERE` treats as false; it is not wrapped in
    /// `COALESCE` because that would hide its terms from SQLite's planner (indexes, turning the left join of
    /// `customer_values` into an inner one).
    func condition(_ rule: CrowdRule) -> SQLQueryString {
        compile(rule).sql
    }

    /// Which of customers and their stats a query walks outside, the other looked up per row. Only SQLite is told
    /// (its `CROSS JOIN … ON` keeps the tables in the order written); PostgreSQL's planner is left to choose.
    enum Outer {
        /// Whichever the planner picks.
        case planner
        /// The customers.
        case customers
        /// The stats.
        case stats
    }

    /// The tables a query over `rule`'s customers reads: `customer_values` is left-joined only when the rule reads it.
    static func tables(for rule: CrowdRule?, outer: Outer = .planner) -> String {
        let readsValues = rule?.references.contains { Self.columns[$0.field.name]?.0.hasPrefix("customer_values.") == true }
        let joined = switch outer {
        case .planner: "customers JOIN customer_stats"
        case .customers: "customers CROSS JOIN customer_stats"
        case .stats: "customer_stats CROSS JOIN customers"
        }
        return joined + " ON customer_stats.number = customers.number"
            + (readsValues == true ? " LEFT JOIN customer_values ON customer_values.number = customers.number" : "")
    }

    // MARK: - Compiling

    /// SQL and whether it can be NULL (a comparison with a NULL column).
    private struct Fragment {
        var sql: SQLQueryString
        var nullable: Bool
    }

    private func compile(_ rule: CrowdRule) -> Fragment {
        switch rule {
        case .and(let rules), .or(let rules):
            let parts = rules.map { compile($0) }
            var sql: SQLQueryString = "("
            for (index, part) in parts.enumerated() {
                if index > 0 { sql += (rule.isAnd ? " AND " : " OR ") }
                sql += part.sql
            }
            sql += ")"
            return Fragment(sql: sql, nullable: parts.contains { $0.nullable })
        case .not(let inner):
            return negation(of: compile(inner))
        case .compare(let field, .notEqual, let value):
            return negation(of: compile(.compare(field, .equal, value)))
        case .oneOf(let field, let values, true):
            return negation(of: compile(.oneOf(field, values, negated: false)))
        case .compare(let field, let comparison, let value):
            return predicate(field, ValueKind(value)) { operand in test(operand, comparison, value, field) }
        case .oneOf(let field, let values, _) where field.field.keyed:
            // An attribute's list may mix types; each value is tested against entries of its own type.
            return compile(.or(values.map { .compare(field, .equal, $0) }))
        case .oneOf(let field, let values, _):
            return predicate(field, .any) { operand in
                var sql: SQLQueryString = "\(operand) IN ("
                for (index, value) in values.enumerated() {
                    sql += index == 0 ? "" : ", "
                    sql += bind(value, field)
                }
                return sql + ")"
            }
        case .contains(let field, .string(let needle)):
            return predicate(field, .text) { operand in
                dialect == .sqlite ? "instr(\(operand), \(bind: needle)) > 0" : "strpos(\(operand), \(bind: needle)) > 0"
            }
        case .contains:
            return Fragment(sql: "FALSE", nullable: false)
        case .exists(let field):
            return predicate(field, .any) { operand in "\(operand) IS NOT NULL" }
        case .between(let field, let low, let high):
            guard ValueKind(low) == ValueKind(high) else { return Fragment(sql: "FALSE", nullable: false) }
            return predicate(field, ValueKind(low)) { operand in
                "(\(test(operand, .greaterOrEqual, low, field)) AND \(test(operand, .lessOrEqual, high, field)))"
            }
        }
    }

    private func negation(of fragment: Fragment) -> Fragment {
        Fragment(sql: fragment.nullable ? "NOT COALESCE(\(fragment.sql), FALSE)" : "NOT \(fragment.sql)",
                 nullable: false)
    }

    /// `operand comparison value`, dates as ranges of instants and money in minor units.
    private func test(
        _ operand: SQLQueryString, _ comparison: CrowdComparison, _ value: CrowdValue, _ field: CrowdFieldReference
    ) -> SQLQueryString {
        if let day = value.day(today: today) {
            let start = instant(day), next = instant(day + 1)
            switch comparison {
            case .equal: return "(\(operand) >= \(start) AND \(operand) < \(next))"
            case .notEqual: return "NOT (\(operand) >= \(start) AND \(operand) < \(next))"
            case .less: return "\(operand) < \(start)"
            case .lessOrEqual: return "\(operand) < \(next)"
            case .greater: return "\(operand) >= \(next)"
            case .greaterOrEqual: return "\(operand) >= \(start)"
            }
        }
        if case .boolean = value, comparison != .equal { return "FALSE" }
        let collation: SQLQueryString = dialect == .postgres && value.isString && comparison != .equal ? " COLLATE \"C\"" : ""
        return "\(operand)\(collation) \(unsafeRaw: comparison.rawValue) \(bind(value, field))"
    }

    private func instant(_ day: Int) -> SQLQueryString {
        let start = BusinessDay.start(of: day)
        // SQLite keeps instants as seconds since 1970 (REAL); PostgreSQL as timestamptz.
        return dialect == .sqlite ? "\(bind: start.timeIntervalSince1970)" : "\(bind: start)"
    }

    private func bind(_ value: CrowdValue, _ field: CrowdFieldReference) -> SQLQueryString {
        switch value {
        case .number(let number):
            return "\(bind: field.field.type == .money ? CrowdRule.minorUnits(number) : number)"
        case .string(let text):
            return "\(bind: text)"
        case .boolean(let flag):
            // Booleans are only compared inside JSON (attributes, consent), where `operand` is the JSON type.
            return dialect == .sqlite ? "\(bind: flag ? "true" : "false")" : "\(bind: flag)"
        case .date, .relative:
            return instant(value.day(today: today) ?? 0)
        }
    }

    // MARK: - Where each field lives

    /// The fragment testing `field` with `test`, given the SQL expression of one of its values; `kind` is the JSON
    /// type a keyed field's entry must have (`any` for `exists`).
    private func predicate(
        _ field: CrowdFieldReference, _ kind: ValueKind, _ test: (SQLQueryString) -> SQLQueryString
    ) -> Fragment {
        let name = field.field.name
        if let (column, nullable) = Self.columns[name] {
            return Fragment(sql: test("\(unsafeRaw: column)"), nullable: nullable)
        }
        let document = dialect == .sqlite ? "customers.document" : "customers.document::jsonb"
        switch (name, dialect) {
        case ("birthday_month", _):
            return Fragment(sql: test("CAST(substr(customers.birthday, 6, 2) AS INTEGER)"), nullable: true)
        case ("owner", _):
            return Fragment(sql: test("(SELECT users.email FROM users WHERE users.id = customers.owner_id)"),
                            nullable: true)
        case ("tag", .sqlite):
            return exists("json_each(\(unsafeRaw: document), '$.tags') AS e", test("e.value"))
        case ("tag", .postgres):
            return exists("jsonb_array_elements_text(\(unsafeRaw: document) -> 'tags') AS e(value)", test("e.value"))
        case ("country", .sqlite), ("province", .sqlite), ("city", .sqlite):
            return exists("json_each(\(unsafeRaw: document), '$.addresses') AS e",
                          test("json_extract(e.value, '$.\(unsafeRaw: name)')"))
        case ("country", .postgres), ("province", .postgres), ("city", .postgres):
            return exists("jsonb_array_elements(\(unsafeRaw: document) -> 'addresses') AS e(value)",
                          test("(e.value ->> '\(unsafeRaw: name)')"))
        default:
            return keyed(field, kind, in: document, test)
        }
    }

    /// Attributes and consent: the entry of a JSON object whose key is bound, tested only when its JSON type is the
    /// rule's (`attribute.level > 3` never matches the text "4").
    private func keyed(
        _ field: CrowdFieldReference, _ kind: ValueKind, in document: String,
        _ test: (SQLQueryString) -> SQLQueryString
    ) -> Fragment {
        let object = field.field.name == "consent" ? "consent" : "attributes"
        let key = field.key ?? ""
        switch dialect {
        case .sqlite:
            let typed: SQLQueryString
            switch kind {
            case .text: typed = "e.type = 'text' AND \(test("e.value"))"
            case .number: typed = "e.type IN ('integer', 'real') AND \(test("e.value"))"
            case .boolean: typed = "e.type IN ('true', 'false') AND \(test("e.type"))"
            case .any: typed = "e.type IN ('text', 'integer', 'real', 'true', 'false')"
            }
            return exists("json_each(\(unsafeRaw: document), '$.\(unsafeRaw: object)') AS e",
                          "e.key = \(bind: key) AND \(typed)")
        case .postgres:
            let typed: SQLQueryString
            switch kind {
            case .text:
                typed = "jsonb_typeof(e.value) = 'string' AND \(test("(e.value #>> '{}')"))"
            case .number:
                typed = "jsonb_typeof(e.value) = 'number' AND \(test("(CASE WHEN jsonb_typeof(e.value) = 'number' THEN (e.value)::float8 END)"))"
            case .boolean:
                typed = "jsonb_typeof(e.value) = 'boolean' AND \(test("(CASE WHEN jsonb_typeof(e.value) = 'boolean' THEN (e.value)::boolean END)"))"
            case .any:
                typed = "jsonb_typeof(e.value) IN ('string', 'number', 'boolean')"
            }
            return exists("jsonb_each(\(unsafeRaw: document) -> '\(unsafeRaw: object)') AS e(key, value)",
                          "e.key = \(bind: key) AND \(typed)")
        }
    }

    /// The JSON type a keyed predicate's entry must have: its value's, or any for `exists`.
    private enum ValueKind: Equatable {
        case text, number, boolean, any

        init(_ value: CrowdValue) {
            switch value {
            case .string: self = .text
            case .number: self = .number
            case .boolean: self = .boolean
            case .date, .relative: self = .any
            }
        }
    }

    private func exists(_ source: SQLQueryString, _ condition: SQLQueryString) -> Fragment {
        Fragment(sql: "EXISTS (SELECT 1 FROM \(source) WHERE \(condition))", nullable: false)
    }

    /// Fields that are a column: the column and whether it can be NULL (every `customer_values` column can, being
    /// left-joined).
    private static let columns: [String: (String, Bool)] = [
        "kind": ("customers.kind", false),
        "name": ("customers.name", false),
        "number": ("customers.number", false),
        "created_at": ("customers.created_at", false),
        "source": ("customers.source", true),
        "team": ("customers.team", true),
        "stage": ("customer_stats.stage", false),
        "stage_since": ("customer_stats.stage_since", false),
        "orders_count": ("customer_stats.orders_count", false),
        "total_spent": ("customer_stats.total_spent_minor", false),
        "first_purchase_at": ("customer_stats.first_purchase_at", true),
        "last_purchase_at": ("customer_stats.last_purchase_at", true),
        "last_interaction_at": ("customer_stats.last_interaction_at", true),
        "tier": ("customer_values.tier", true),
        "abc": ("customer_values.abc", true),
        "rfm_group": ("customer_values.rfm_group", true),
        "rfm_r": ("customer_values.rfm_r", true),
        "rfm_f": ("customer_values.rfm_f", true),
        "rfm_m": ("customer_values.rfm_m", true),
        "clv": ("customer_values.clv_minor", true),
        "p_alive": ("customer_values.p_alive", true),
        "churn_risk": ("customer_values.churn_risk", true),
    ]
}

extension CrowdRule {
    fileprivate var isAnd: Bool {
        if case .and = self { return true }
        return false
    }
}

extension CrowdValue {
    fileprivate var isString: Bool {
        if case .string = self { return true }
        return false
    }
}
