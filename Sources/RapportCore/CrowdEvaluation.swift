import Foundation

/// One customer as crowd rules see it: every field of `CrowdFields`, as the store holds it.
public struct CrowdSubject: Equatable, Sendable {
    public var kind = "person"
    public var name = ""
    public var number: Int64 = 0
    public var stage = LifecycleStage.prospect.rawValue
    public var stageSince = Date(timeIntervalSince1970: 0)
    public var tier: String?
    public var abc: String?
    public var rfmGroup: String?
    public var rfmR: Int?
    public var rfmF: Int?
    public var rfmM: Int?
    /// Lifetime value in minor units of the base currency.
    public var clvMinor: Int64?
    public var pAlive: Double?
    public var churnRisk: Double?
    public var ordersCount = 0
    /// Net spending in minor units of the base currency.
    public var totalSpentMinor: Int64 = 0
    public var firstPurchaseAt: Date?
    public var lastPurchaseAt: Date?
    public var lastInteractionAt: Date?
    public var createdAt = Date(timeIntervalSince1970: 0)
    public var birthdayMonth: Int?
    public var tags: [String] = []
    public var attributes: [String: JSONValue] = [:]
    /// Cities, provinces and countries of every address.
    public var countries: [String] = []
    public var provinces: [String] = []
    public var cities: [String] = []
    public var source: String?
    /// The owner's e-mail address.
    public var owner: String?
    public var team: String?
    public var consent: [String: Bool] = [:]

    /// An empty subject; set what the test or the store knows.
    public init() {}
}

/// A field's values for a subject: none when it is missing, several for tags and addresses.
enum CrowdScalar: Equatable {
    case text(String)
    case number(Double)
    case day(Int)
    case boolean(Bool)
}

extension CrowdRule {
    /// Whether `subject` is in the crowd, `today` being now's day number.
    ///
    /// Two-valued, as an operations person reads a rule: a predicate on a missing value is false (a customer with no
    /// tags is not tagged "vip", so `not tag = "vip"` selects it), `!=` and `not in` are the negations of `=` and
    /// `in`, and a field with several values (tags, addresses) satisfies a predicate when any value does. The SQL
    /// compilers produce exactly this meaning.
    public func matches(_ subject: CrowdSubject, today: Int) -> Bool {
        switch self {
        case .and(let rules):
            return rules.allSatisfy { $0.matches(subject, today: today) }
        case .or(let rules):
            return rules.contains { $0.matches(subject, today: today) }
        case .not(let rule):
            return !rule.matches(subject, today: today)
        case .exists(let field):
            return !Self.values(field, of: subject).isEmpty
        case .compare(let field, .notEqual, let value):
            return !CrowdRule.compare(field, .equal, value).matches(subject, today: today)
        case .compare(let field, let comparison, let value):
            let value = Self.stored(value, field)
            return Self.values(field, of: subject).contains { Self.compare($0, comparison, value, today: today) }
        case .oneOf(let field, let values, let negated):
            let values = values.map { Self.stored($0, field) }
            let found = Self.values(field, of: subject).contains { scalar in
                values.contains { Self.compare(scalar, .equal, $0, today: today) }
            }
            return found != negated
        case .contains(let field, .string(let needle)):
            return Self.values(field, of: subject).contains { scalar in
                if case .text(let text) = scalar { return Self.text(text, contains: needle) }
                return false
            }
        case .contains:
            return false
        case .between(let field, let low, let high):
            let low = Self.stored(low, field), high = Self.stored(high, field)
            return Self.values(field, of: subject).contains {
                Self.compare($0, .greaterOrEqual, low, today: today) && Self.compare($0, .lessOrEqual, high, today: today)
            }
        }
    }

    /// A money value of a rule (major units) in minor units, as the store keeps money: whole when it is within
    /// floating-point noise of a whole number (12.34 × 100 is 1233.9999999999998), so that `total_spent = 12.34`
    /// finds 1234 fen. The SQL compilers bind this same number.
    public static func minorUnits(_ major: Double) -> Double {
        let minor = major * 100
        let whole = minor.rounded()
        return abs(minor - whole) < 1e-6 ? whole : minor
    }

    /// A rule's value as the field's values are held: money in minor units.
    private static func stored(_ value: CrowdValue, _ field: CrowdFieldReference) -> CrowdValue {
        guard field.field.type == .money, case .number(let major) = value else { return value }
        return .number(minorUnits(major))
    }

    /// Whether `needle` occurs in `text`, code point by code point as SQLite's `instr` and PostgreSQL's `strpos`
    /// compare (Swift's `contains` would also match canonically equivalent spellings).
    static func text(_ text: String, contains needle: String) -> Bool {
        let haystack = Array(text.unicodeScalars), needle = Array(needle.unicodeScalars)
        guard needle.count <= haystack.count else { return false }
        if needle.isEmpty { return true }
        return (0...(haystack.count - needle.count)).contains { start in
            haystack[start..<(start + needle.count)].elementsEqual(needle)
        }
    }

    private static func compare(_ scalar: CrowdScalar, _ comparison: CrowdComparison, _ value: CrowdValue, today: Int)
        -> Bool
    {
        func ordered<T: Comparable>(_ left: T, _ right: T) -> Bool {
            switch comparison {
            case .equal: left == right
            case .notEqual: left != right
            case .less: left < right
            case .lessOrEqual: left <= right
            case .greater: left > right
            case .greaterOrEqual: left >= right
            }
        }
        switch (scalar, value) {
        case (.text(let text), .string(let other)):
            // Code point order, as the databases compare (PostgreSQL with COLLATE "C").
            return ordered(CodePoints(text), CodePoints(other))
        case (.number(let number), .number(let other)): return ordered(number, other)
        case (.boolean(let flag), .boolean(let other)):
            // true and false are not ordered: only `=` (and `!=`, its negation) can hold.
            return comparison == .equal && flag == other
        case (.day(let day), _):
            guard let other = value.day(today: today) else { return false }
            return ordered(day, other)
        default: return false
        }
    }

    /// The values of a field for a subject; money in minor units.
    static func values(_ reference: CrowdFieldReference, of subject: CrowdSubject) -> [CrowdScalar] {
        func text(_ value: String?) -> [CrowdScalar] { value.map { [.text($0)] } ?? [] }
        func number<T: BinaryInteger>(_ value: T?) -> [CrowdScalar] { value.map { [.number(Double($0))] } ?? [] }
        func number(_ value: Double?) -> [CrowdScalar] { value.map { [.number($0)] } ?? [] }
        func day(_ value: Date?) -> [CrowdScalar] { value.map { [.day(BusinessDay.number(of: $0))] } ?? [] }
        switch reference.field.name {
        case "kind": return text(subject.kind)
        case "name": return text(subject.name)
        case "number": return number(subject.number)
        case "stage": return text(subject.stage)
        case "stage_since": return day(subject.stageSince)
        case "tier": return text(subject.tier)
        case "abc": return text(subject.abc)
        case "rfm_group": return text(subject.rfmGroup)
        case "rfm_r": return number(subject.rfmR)
        case "rfm_f": return number(subject.rfmF)
        case "rfm_m": return number(subject.rfmM)
        case "clv": return number(subject.clvMinor)
        case "p_alive": return number(subject.pAlive)
        case "churn_risk": return number(subject.churnRisk)
        case "orders_count": return number(subject.ordersCount)
        case "total_spent": return number(subject.totalSpentMinor)
        case "first_purchase_at": return day(subject.firstPurchaseAt)
        case "last_purchase_at": return day(subject.lastPurchaseAt)
        case "last_interaction_at": return day(subject.lastInteractionAt)
        case "created_at": return day(subject.createdAt)
        case "birthday_month": return number(subject.birthdayMonth)
        case "tag": return subject.tags.map(CrowdScalar.text)
        case "country": return subject.countries.map(CrowdScalar.text)
        case "province": return subject.provinces.map(CrowdScalar.text)
        case "city": return subject.cities.map(CrowdScalar.text)
        case "source": return text(subject.source)
        case "owner": return text(subject.owner)
        case "team": return text(subject.team)
        case "consent": return reference.key.flatMap { subject.consent[$0] }.map { [.boolean($0)] } ?? []
        case "attribute":
            switch reference.key.flatMap({ subject.attributes[$0] }) {
            case .string(let value)?: return [.text(value)]
            case .number(let value)?: return [.number(value)]
            case .bool(let value)?: return [.boolean(value)]
            default: return []
            }
        default: return []
        }
    }
}

/// Text ordered by Unicode code points, which is also the byte order of its UTF-8.
private struct CodePoints: Comparable {
    let scalars: [Unicode.Scalar]

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    static func == (lhs: Self, rhs: Self) -> Bool { lhs.scalars == rhs.scalars }

    static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.scalars.lexicographicallyPrecedes(rhs.scalars) { $0.value < $1.value }
    }
}
