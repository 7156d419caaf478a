import Foundation

/// A crowd 人群: the customers a rule selects, kept up to date as they change. Entering and leaving are `status`
/// events (`crowd_entered`, `crowd_left`).
public struct Crowd: Equatable, Sendable {
    public let id: UUID
    /// The built-in crowd's stable key (`churned`, `rfm-champions`); nil for a crowd a user made.
    public let key: String?
    public var name: String
    public var description: String
    public var rule: CrowdRule
    public let createdAt: Date
    public var updatedAt: Date

    /// Creates a crowd value.
    public init(
        id: UUID, key: String?, name: String, description: String, rule: CrowdRule, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.key = key
        self.name = name
        self.description = description
        self.rule = rule
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Built-in crowds are defined by Rapport and cannot be edited or deleted.
    public var isBuiltIn: Bool { key != nil }
}

/// A crowd Rapport defines: the divisions of `domain/001` and `domain/003` (existing, potential, silent and churned
/// customers; high, mid and low value; A, B and C; each RFM group; churn warnings).
public struct BuiltInCrowd: Equatable, Sendable {
    public let key: String
    public let name: String
    public let description: String
    public let rule: CrowdRule

    /// The built-in crowds, in the order lists show them.
    public static let all: [BuiltInCrowd] = {
        var crowds = [
            crowd("existing", "现有客户", "Customers who have bought and not churned", "stage in [new, active, silent]"),
            crowd("potential", "潜在客户", "Prospects who have not bought yet", "stage = prospect"),
            crowd("silent", "沉默客户", "Customers past their usual buying rhythm", "stage = silent"),
            crowd("churned", "流失客户", "Customers who stopped buying", "stage = churned"),
            crowd("tier-high", "高价值客户", "The top 20% by lifetime value", "tier = high"),
            crowd("tier-mid", "中价值客户", "The next 30% by lifetime value", "tier = mid"),
            crowd("tier-low", "低价值客户", "The rest of the buyers by lifetime value", "tier = low"),
            crowd("abc-a", "A类客户", "Customers bringing the first 80% of the last 12 months' revenue", "abc = A"),
            crowd("abc-b", "B类客户", "Customers bringing the next 15% of the last 12 months' revenue", "abc = B"),
            crowd("abc-c", "C类客户", "The rest of the buyers by the last 12 months' revenue", "abc = C"),
        ]
        for group in RFMGroup.allCases {
            let key = "rfm-" + group.rawValue.lowercased().replacingOccurrences(of: " ", with: "-")
            crowds.append(crowd(key, group.chineseName, "RFM group \(group.rawValue)",
                                "rfm_group = \(CrowdValue.string(group.rawValue).text)"))
        }
        crowds.append(crowd("churn-warnings", "流失预警客户", "Customers with a churn risk of 70% or more",
                            "churn_risk >= 0.7"))
        return crowds
    }()

    private static func crowd(_ key: String, _ name: String, _ description: String, _ rule: String) -> BuiltInCrowd {
        // The rules above are constants; a typo fails the first test that touches crowds.
        BuiltInCrowd(key: key, name: name, description: description, rule: try! CrowdRuleParser().parse(rule))
    }
}
