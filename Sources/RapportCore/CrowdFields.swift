/// What a crowd rule's field holds, which decides the values it can be compared with.
public enum CrowdFieldType: String, Equatable, Sendable {
    /// Free text: `=`, `!=`, `in`, `contains`.
    case text
    /// One of a fixed set of names (stage, tier, …): `=`, `!=`, `in`.
    case choice
    /// A number: every comparison and `between`.
    case number
    /// Money in major units of the base currency (`total_spent >= 5000` is ¥5,000).
    case money
    /// An instant, compared by day: absolute (`2026-01-31`) or relative (`-90d`) dates.
    case date
    /// true or false.
    case boolean
    /// A customer-defined attribute: a quoted string, a number or true/false, matching stored values of the same
    /// JSON type only (`attribute.level > 3` never matches a level stored as "3").
    case any

    /// Whether `<`, `<=`, `>`, `>=` and `between` apply.
    public var isOrdered: Bool { [.number, .money, .date, .any].contains(self) }
    /// Whether `in [...]` and `not in [...]` apply.
    public var takesLists: Bool { self != .boolean && self != .date }
    /// Whether `contains` applies.
    public var takesContains: Bool { self == .text || self == .any }
}

/// A field a crowd rule can test.
public struct CrowdField: Equatable, Sendable {
    /// The name in the rule, e.g. `last_purchase_at` or `attribute` (for `attribute.<key>`).
    public let name: String
    public let type: CrowdFieldType
    /// For `choice` fields, the allowed values.
    public let choices: [String]
    /// Whether the field takes a key after a dot: `attribute.vip_level`, `consent.sms`.
    public let keyed: Bool
    /// For keyed fields with a fixed set of keys (consent channels), the keys; empty when any key goes.
    public let keys: [String]

    /// Creates a field.
    public init(
        _ name: String, _ type: CrowdFieldType, choices: [String] = [], keyed: Bool = false, keys: [String] = []
    ) {
        self.name = name
        self.type = type
        self.choices = choices
        self.keyed = keyed
        self.keys = keys
    }
}

/// Every field crowd rules know, in one place: the parser checks names and values against it, and the evaluators
/// (SQL and in memory) map each name to where it lives. A new customer field is added here.
public enum CrowdFields {
    public static let all: [CrowdField] = [
        CrowdField("kind", .choice, choices: ["person", "organization"]),
        CrowdField("name", .text),
        CrowdField("number", .number),
        CrowdField("stage", .choice, choices: LifecycleStage.allCases.map(\.rawValue)),
        CrowdField("stage_since", .date),
        CrowdField("tier", .choice, choices: ValueTier.allCases.map(\.rawValue)),
        CrowdField("abc", .choice, choices: ABCClass.allCases.map(\.rawValue)),
        CrowdField("rfm_group", .choice, choices: RFMGroup.allCases.map(\.rawValue)),
        CrowdField("rfm_r", .number),
        CrowdField("rfm_f", .number),
        CrowdField("rfm_m", .number),
        CrowdField("clv", .money),
        CrowdField("p_alive", .number),
        CrowdField("churn_risk", .number),
        CrowdField("orders_count", .number),
        CrowdField("total_spent", .money),
        CrowdField("first_purchase_at", .date),
        CrowdField("last_purchase_at", .date),
        CrowdField("last_interaction_at", .date),
        CrowdField("created_at", .date),
        CrowdField("birthday_month", .number),
        CrowdField("tag", .text),
        CrowdField("attribute", .any, keyed: true),
        CrowdField("country", .text),
        CrowdField("province", .text),
        CrowdField("city", .text),
        CrowdField("source", .text),
        CrowdField("owner", .text),
        CrowdField("team", .text),
        CrowdField("consent", .boolean, keyed: true, keys: Consent.channels),
    ]

    /// The field named `name` (without its key).
    public static func named(_ name: String) -> CrowdField? {
        all.first { $0.name == name }
    }

    /// The names as a rule writes them, for error messages and suggestions.
    public static var spelled: [String] {
        all.map { $0.keyed ? "\($0.name).<key>" : $0.name }
    }
}
