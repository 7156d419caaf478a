/// A value in a crowd rule, as written.
public enum CrowdValue: Equatable, Sendable {
    case number(Double)
    case string(String)
    case boolean(Bool)
    /// An absolute date, as its day number.
    case date(day: Int)
    /// That long before now: `-90d`, `-6m`, `-1y`.
    case relative(amount: Int, unit: RelativeUnit)

    /// The unit of a relative date.
    public enum RelativeUnit: String, Equatable, Sendable {
        case day = "d", month = "m", year = "y"
    }

    /// The day a date value stands for, with `today` as now: months and years go back in the calendar (a month
    /// before 31 March is the last day of February).
    public func day(today: Int) -> Int? {
        switch self {
        case .date(let day):
            return day
        case .relative(let amount, .day):
            return today - amount
        case .relative(let amount, let unit):
            let today = CalendarDate(dayNumber: today)
            let total = today.year * 12 + (today.month - 1) - (unit == .year ? amount * 12 : amount)
            let year = Int(CivilCalendar.floorDivision(Int64(total), 12).quotient)
            let month = Int(CivilCalendar.floorDivision(Int64(total), 12).remainder) + 1
            let day = min(today.day, CalendarDate.daysIn(month: month, year: year))
            return Int(CivilCalendar.dayNumber(year: Int64(year), month: Int64(month), day: Int64(day)))
        default:
            return nil
        }
    }
}

/// A field reference in a rule: the field and, for keyed fields, its key (`attribute.vip_level`).
public struct CrowdFieldReference: Equatable, Sendable {
    public let field: CrowdField
    public let key: String?

    /// Creates a reference.
    public init(field: CrowdField, key: String? = nil) {
        self.field = field
        self.key = key
    }

    /// As a rule writes it.
    public var spelled: String { key.map { "\(field.name).\($0)" } ?? field.name }
}

/// The comparisons of a predicate.
public enum CrowdComparison: String, CaseIterable, Equatable, Sendable {
    case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
}

/// A crowd rule 人群规则: a tree of predicates on customer fields joined by `and`, `or` and `not`.
public indirect enum CrowdRule: Equatable, Sendable {
    case and([CrowdRule])
    case or([CrowdRule])
    case not(CrowdRule)
    case compare(CrowdFieldReference, CrowdComparison, CrowdValue)
    /// `in [...]`, or `not in [...]` when negated.
    case oneOf(CrowdFieldReference, [CrowdValue], negated: Bool)
    case contains(CrowdFieldReference, CrowdValue)
    case exists(CrowdFieldReference)
    case between(CrowdFieldReference, CrowdValue, CrowdValue)

    /// The fields the rule reads, once per predicate.
    public var references: [CrowdFieldReference] {
        switch self {
        case .and(let rules), .or(let rules): rules.flatMap(\.references)
        case .not(let rule): rule.references
        case .compare(let field, _, _), .oneOf(let field, _, _), .contains(let field, _), .exists(let field),
            .between(let field, _, _):
            [field]
        }
    }

    /// How many predicates (leaves) the rule has.
    public var predicates: Int {
        switch self {
        case .and(let rules), .or(let rules): rules.reduce(0) { $0 + $1.predicates }
        case .not(let rule): rule.predicates
        default: 1
        }
    }

    /// How deeply it nests: 1 for a single predicate.
    public var depth: Int {
        switch self {
        case .and(let rules), .or(let rules): 1 + (rules.map(\.depth).max() ?? 0)
        case .not(let rule): 1 + rule.depth
        default: 1
        }
    }
}
