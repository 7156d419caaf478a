import Foundation
import RapportCore

/// A small seeded generator (SplitMix64), so that a failing property test fails the same way again.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Starts from `seed`.
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random crowd rules and random customers drawn from the same small pools of values, so that rules hit customers
/// often and on the edges: equal values, day boundaries, missing fields, money that is not a whole number of yuan,
/// Unicode and SQL-looking text.
public struct CrowdSamples {
    public var random: SeededGenerator
    /// Now's day number: relative dates count from it.
    public let today: Int

    /// A sampler seeded with `seed`.
    public init(seed: UInt64, today: Int) {
        random = SeededGenerator(seed: seed)
        self.today = today
    }

    public static let texts = ["王小明", "vip", "VIP", "茶友", "x' OR 1=1 --", "a%b_c", "Zoë", "", "上海", "上海市"]
    public static let cities = ["上海", "上海市", "北京", "广州", "x' OR 1=1 --"]
    public static let provinces = ["上海市", "广东省", "北京市"]
    public static let countries = ["CN", "US"]
    public static let sources = ["wechat", "store", "x' OR 1=1 --"]
    public static let teams = ["east", "west"]
    public static let attributeKeys = ["level", "code", "member", "missing"]
    /// Minor units of money and what rules compare them with, in major units.
    public static let moneyMinor: [Int64] = [0, 1, 1234, 499_999, 500_000, 1_000_000]
    public static let moneyMajor: [Double] = [0, 0.01, 12.34, 4999.99, 5000, 10_000, 12.345]
    public static let numbers: [Double] = [0, 1, 2, 2.5, 3, 5, 0.5, 0.7, 12]
    /// Day offsets from today that instants and rule dates are drawn from.
    public static let dayOffsets = [0, -1, -30, -89, -90, -91, -180, -365, -366]

    /// One of `values`.
    public mutating func pick<T>(_ values: [T]) -> T { values.randomElement(using: &random)! }
    /// True with `probability`.
    public mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &random) < probability }

    /// An instant on one of the pool's days: its first second, its last, or in between.
    public mutating func instant() -> Date {
        let start = BusinessDay.start(of: today + pick(Self.dayOffsets))
        return start.addingTimeInterval(pick([0, 1, 43_200, 86_399]))
    }

    // MARK: - Customers

    /// Random user-settable fields; `owners` are the user IDs a customer may be owned by.
    public mutating func fields(owners: [UUID]) -> CustomerFields {
        var fields = CustomerFields(name: pick(Self.texts))
        fields.kind = chance(0.2) ? .organization : .person
        fields.tags = (0..<Int.random(in: 0...3, using: &random)).map { _ in pick(Self.texts) }
        fields.tags = Array(Set(fields.tags)).sorted()
        fields.addresses = (0..<Int.random(in: 0...2, using: &random)).map { _ in
            PostalAddress(country: chance(0.7) ? pick(Self.countries) : nil,
                          province: chance(0.6) ? pick(Self.provinces) : nil,
                          city: chance(0.8) ? pick(Self.cities) : nil)
        }
        if chance(0.5) { fields.attributes["level"] = .number(pick(Self.numbers)) }
        if chance(0.5) { fields.attributes["code"] = chance(0.5) ? .string(pick(Self.texts)) : .number(3) }
        if chance(0.4) { fields.attributes["member"] = .bool(chance(0.5)) }
        if chance(0.1) { fields.attributes["level"] = .array([.number(1)]) }
        fields.consent = Consent(email: chance(0.6) ? chance(0.5) : nil, sms: chance(0.6) ? chance(0.5) : nil,
                                 phone: nil, wechat: chance(0.3) ? true : nil)
        fields.source = chance(0.7) ? pick(Self.sources) : nil
        fields.team = chance(0.5) ? pick(Self.teams) : nil
        fields.ownerID = chance(0.6) && !owners.isEmpty ? pick(owners) : nil
        fields.birthday = chance(0.6)
            ? CalendarDate(parsing: String(format: "1990-%02d-28", Int.random(in: 1...12, using: &random))) : nil
        return fields
    }

    // MARK: - Rules

    /// A random rule at most `depth` levels deep.
    public mutating func rule(depth: Int = 3) -> CrowdRule {
        if depth > 1, chance(0.45) {
            switch Int.random(in: 0..<3, using: &random) {
            case 0: return .and((0..<Int.random(in: 2...3, using: &random)).map { _ in rule(depth: depth - 1) })
            case 1: return .or((0..<Int.random(in: 2...3, using: &random)).map { _ in rule(depth: depth - 1) })
            default: return .not(rule(depth: depth - 1))
            }
        }
        return predicate()
    }

    /// A random predicate on a random field, with an operator and values its type allows.
    public mutating func predicate() -> CrowdRule {
        let field = pick(CrowdFields.all)
        let key: String? = field.keyed ? (field.keys.isEmpty ? pick(Self.attributeKeys) : pick(field.keys)) : nil
        let reference = CrowdFieldReference(field: field, key: key)
        let type = field.type
        var operators = ["=", "!=", "exists"]
        if type.isOrdered { operators += ["<", "<=", ">", ">=", "between"] }
        if type.takesLists { operators += ["in", "not in"] }
        if type.takesContains { operators.append("contains") }
        let chosen = pick(operators)
        switch chosen {
        case "exists":
            return .exists(reference)
        case "in", "not in":
            return .oneOf(reference, (0..<Int.random(in: 1...3, using: &random)).map { _ in value(for: reference) },
                          negated: chosen == "not in")
        case "contains":
            return .contains(reference, .string(pick(["", "x", "上海", "a%", "V", "ë", "'"])))
        case "between":
            let first = value(for: reference)
            return .between(reference, first, chance(0.3) ? first : value(for: reference))
        default:
            return .compare(reference, CrowdComparison(rawValue: chosen)!, value(for: reference))
        }
    }

    /// A value of `reference`'s type from the pools.
    public mutating func value(for reference: CrowdFieldReference) -> CrowdValue {
        let field = reference.field
        switch field.type {
        case .text:
            switch field.name {
            case "city": return .string(pick(Self.cities))
            case "province": return .string(pick(Self.provinces))
            case "country": return .string(pick(Self.countries))
            case "source": return .string(pick(Self.sources))
            case "team": return .string(pick(Self.teams))
            case "owner": return .string(pick(["owner0@rapport.test", "owner1@rapport.test", "nobody@rapport.test"]))
            default: return .string(pick(Self.texts))
            }
        case .choice:
            return .string(pick(field.choices))
        case .number:
            if field.name == "birthday_month" { return .number(Double(Int.random(in: 1...12, using: &random))) }
            if field.name == "number" { return .number(Double(Int.random(in: 0...40, using: &random))) }
            return .number(pick(Self.numbers))
        case .money:
            return .number(pick(Self.moneyMajor))
        case .date:
            let offset = pick(Self.dayOffsets)
            if chance(0.5) { return .date(day: today + offset) }
            switch Int.random(in: 0..<3, using: &random) {
            case 0: return .relative(amount: -offset, unit: .day)
            case 1: return .relative(amount: Int.random(in: 0...12, using: &random), unit: .month)
            default: return .relative(amount: Int.random(in: 0...1, using: &random), unit: .year)
            }
        case .boolean:
            return .boolean(chance(0.5))
        case .any:
            switch Int.random(in: 0..<3, using: &random) {
            case 0: return .string(pick(Self.texts + ["3"]))
            case 1: return .number(pick(Self.numbers))
            default: return .boolean(chance(0.5))
            }
        }
    }
}
