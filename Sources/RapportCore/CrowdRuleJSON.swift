/// The JSON form of crowd rules, for API clients that build rules rather than write them:
///
///     {"and": [{"field": "stage", "op": "in", "value": ["active", "silent"]},
///              {"not": {"field": "city", "op": "=", "value": "上海"}},
///              {"field": "last_purchase_at", "op": "<", "value": "-90d"},
///              {"field": "total_spent", "op": "between", "value": [1000, 5000]},
///              {"field": "attribute.vip_level", "op": "exists"}]}
///
/// Dates are strings (`"2026-01-31"`, `"-90d"`); every value is checked against its field as in the text form.
extension CrowdRule {
    /// The rule as JSON.
    public var json: JSONValue {
        func value(_ value: CrowdValue) -> JSONValue {
            switch value {
            case .number(let number): .number(number)
            case .string(let text): .string(text)
            case .boolean(let flag): .bool(flag)
            case .date(let day): .string(CalendarDate(dayNumber: day).description)
            case .relative(let amount, let unit): .string("-\(amount)\(unit.rawValue)")
            }
        }
        func predicate(_ field: CrowdFieldReference, _ op: String, _ operand: JSONValue?) -> JSONValue {
            var members: [String: JSONValue] = ["field": .string(field.spelled), "op": .string(op)]
            if let operand { members["value"] = operand }
            return .object(members)
        }
        switch self {
        case .and(let rules): return ["and": .array(rules.map(\.json))]
        case .or(let rules): return ["or": .array(rules.map(\.json))]
        case .not(let rule): return ["not": rule.json]
        case .compare(let field, let comparison, let operand):
            return predicate(field, comparison.rawValue, value(operand))
        case .oneOf(let field, let values, let negated):
            return predicate(field, negated ? "not in" : "in", .array(values.map(value)))
        case .contains(let field, let operand): return predicate(field, "contains", value(operand))
        case .exists(let field): return predicate(field, "exists", nil)
        case .between(let field, let low, let high): return predicate(field, "between", [value(low), value(high)])
        }
    }

    /// Reads a rule from its JSON form.
    /// - Throws: `ValidationError` whose field is the JSON path of the problem (`rule.and[1].value`).
    public init(json: JSONValue, path: String = "rule") throws(ValidationError) {
        let rule = try Self.read(json, path: path, depth: 1)
        if rule.predicates > CrowdRuleParser.maxPredicates {
            throw Self.invalid(path, "the rule has \(rule.predicates) predicates; at most \(CrowdRuleParser.maxPredicates)")
        }
        self = rule
    }

    private static func invalid(_ path: String, _ message: String) -> ValidationError {
        ValidationError([FieldError(field: path, code: "invalid", message: message)])
    }

    private static func read(_ json: JSONValue, path: String, depth: Int) throws(ValidationError) -> CrowdRule {
        guard depth <= CrowdRuleParser.maxDepth else {
            throw invalid(path, "the rule nests deeper than \(CrowdRuleParser.maxDepth) levels")
        }
        guard let members = json.objectValue else {
            throw invalid(path, "expected an object: {and: […]}, {or: […]}, {not: …} or {field, op, value}")
        }
        for combinator in ["and", "or"] {
            guard let operand = members[combinator] else { continue }
            guard members.count == 1, let items = operand.arrayValue, !items.isEmpty else {
                throw invalid("\(path).\(combinator)", "expected a non-empty array of rules, alone in its object")
            }
            var rules: [CrowdRule] = []
            for (index, item) in items.enumerated() {
                rules.append(try read(item, path: "\(path).\(combinator)[\(index)]", depth: depth + 1))
            }
            return combinator == "and" ? .and(rules) : .or(rules)
        }
        if let operand = members["not"] {
            guard members.count == 1 else { throw invalid("\(path).not", "'not' must be alone in its object") }
            return .not(try read(operand, path: "\(path).not", depth: depth + 1))
        }
        return try predicate(members, path: path)
    }

    private static func predicate(_ members: [String: JSONValue], path: String) throws(ValidationError) -> CrowdRule {
        if let unknown = members.keys.sorted().first(where: { !["field", "op", "value"].contains($0) }) {
            throw invalid("\(path).\(unknown)", "unknown member; a predicate has field, op and value")
        }
        guard let name = members["field"]?.stringValue else { throw invalid("\(path).field", "expected a field name") }
        let reference: CrowdFieldReference
        do {
            reference = try CrowdRuleParser.Reader.reference(name, column: 0)
        } catch {
            throw invalid("\(path).field", error.message)
        }
        guard let op = members["op"]?.stringValue else {
            throw invalid("\(path).op", "expected one of = != < <= > >= in, not in, contains, exists, between")
        }
        let type = reference.field.type
        func value(_ json: JSONValue?, _ valuePath: String) throws(ValidationError) -> CrowdValue {
            let kind: CrowdRuleParser.Token.Kind
            switch json {
            case .number(let number)?: kind = .number(number)
            case .bool(let flag)?: kind = .word(flag ? "true" : "false")
            case .string(let text)? where type == .date:
                do {
                    kind = try CrowdRuleParser.literal(text, column: 0)
                } catch {
                    throw invalid(valuePath, error.message)
                }
            case .string(let text)?: kind = .string(text)
            default: throw invalid(valuePath, "expected a value for \(reference.spelled)")
            }
            do {
                return try CrowdRuleParser.value(CrowdRuleParser.Token(kind: kind, column: 0), for: reference, after: nil)
            } catch {
                throw invalid(valuePath, error.message)
            }
        }
        func allowed(_ condition: Bool) throws(ValidationError) {
            guard condition else { throw invalid("\(path).op", "'\(op)' does not apply to \(reference.spelled) (\(type.rawValue))") }
        }
        let operand = members["value"]
        switch op {
        case "exists":
            return .exists(reference)
        case "in", "not in":
            try allowed(type.takesLists)
            guard let items = operand?.arrayValue, !items.isEmpty else {
                throw invalid("\(path).value", "expected a non-empty array")
            }
            var values: [CrowdValue] = []
            for (index, item) in items.enumerated() { values.append(try value(item, "\(path).value[\(index)]")) }
            return .oneOf(reference, values, negated: op == "not in")
        case "contains":
            try allowed(type.takesContains)
            return .contains(reference, try value(operand, "\(path).value"))
        case "between":
            try allowed(type.isOrdered)
            guard let bounds = operand?.arrayValue, bounds.count == 2 else {
                throw invalid("\(path).value", "expected [low, high]")
            }
            return .between(reference, try value(bounds[0], "\(path).value[0]"), try value(bounds[1], "\(path).value[1]"))
        default:
            guard let comparison = CrowdComparison(rawValue: op) else {
                throw invalid("\(path).op", "expected one of = != < <= > >= in, not in, contains, exists, between")
            }
            try allowed(comparison == .equal || comparison == .notEqual || type.isOrdered)
            return .compare(reference, comparison, try value(operand, "\(path).value"))
        }
    }
}
