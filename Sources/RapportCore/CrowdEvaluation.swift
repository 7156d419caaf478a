import Foundation

/// One customer as crowd rules see it: every field of `CrowdFields`, money already in major units.
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
    /// Lifetime value in major units of the base currency.
    public var clv: Double?
    public var pAlive: Double?
    public var churnRisk: Double?
    public var ordersCount = 0
    /// Net spending in major units of the base currency.
    public var totalSpent = 0.0
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
    /// The owner's user ID, as text.
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
    /// Whether `subject` is in the crowd, `today` being now's day number. Missing values make a predicate unknown,
    /// and unknown follows SQL's three-valued logic (`not` of unknown is unknown; `and` and `or` as Kleene's): a
    /// customer is a member only when the rule is true, exactly as a SQL `WHERE` selects it.
    public func matches(_ subject: CrowdSubject, today: Int) -> Bool {
        evaluate(subject, today: today) == true
    }

    /// True, false or unknown (nil).
    func evaluate(_ subject: CrowdSubject, today: Int) -> Bool? {
        switch self {
        case .and(let rules):
            return Self.combine(rules, subject, today: today, decisive: false)
        case .or(let rules):
            return Self.combine(rules, subject, today: today, decisive: true)
        case .not(let rule):
            return rule.evaluate(subject, today: today).map { !$0 }
        case .exists(let field):
            return !Self.values(field, of: subject).isEmpty
        case .compare(let field, .notEqual, let value):
            return CrowdRule.compare(field, .equal, value).evaluate(subject, today: today).map { !$0 }
        case .compare(let field, let comparison, let value):
            return Self.any(field, subject) { Self.compare($0, comparison, value, today: today) }
        case .oneOf(let field, let values, let negated):
            let found = Self.any(field, subject) { scalar in
                values.contains { Self.compare(scalar, .equal, $0, today: today) }
            }
            return negated ? found.map { !$0 } : found
        case .contains(let field, .string(let needle)):
            return Self.any(field, subject) { scalar in
                if case .text(let text) = scalar { return text.contains(needle) }
                return false
            }
        case .contains:
            return false
        case .between(let field, let low, let high):
            return Self.any(field, subject) {
                Self.compare($0, .greaterOrEqual, low, today: today) && Self.compare($0, .lessOrEqual, high, today: today)
            }
        }
    }

    /// Kleene's `and` (`decisive` false) and `or` (`decisive` true): a decisive operand decides, else any unknown
    /// makes the whole unknown.
    private static func combine(_ rules: [CrowdRule], _ subject: CrowdSubject, today: Int, decisive: Bool) -> Bool? {
        var result: Bool? = !decisive
        for rule in rules {
            switch rule.evaluate(subject, today: today) {
            case decisive?: return decisive
            case nil: result = nil
            default: break
            }
        }
        return result
    }

    /// Unknown when the field has no value, else whether any value satisfies `test`.
    private static func any(_ field: CrowdFieldReference, _ subject: CrowdSubject, _ test: (CrowdScalar) -> Bool)
        -> Bool?
    {
        let values = values(field, of: subject)
        return values.isEmpty ? nil : values.contains(where: test)
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
        case (.text(let text), .string(let other)): return ordered(text, other)
        case (.number(let number), .number(let other)): return ordered(number, other)
        case (.boolean(let flag), .boolean(let other)): return comparison == .equal ? flag == other : flag != other
        case (.day(let day), _):
            guard let other = value.day(today: today) else { return false }
            return ordered(day, other)
        default: return false
        }
    }

    /// The values of a field for a subject.
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
        case "clv": return number(subject.clv)
        case "p_alive": return number(subject.pAlive)
        case "churn_risk": return number(subject.churnRisk)
        case "orders_count": return number(subject.ordersCount)
        case "total_spent": return number(subject.totalSpent)
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
