extension CrowdRule {
    /// The rule in the rule language, which `CrowdRuleParser` reads back into this same tree: compound operands are
    /// parenthesised, strings quoted with `\"` and `\\` escaped, numbers written so that they parse to the same
    /// double. Crowds store their rule this way, whichever form it came in.
    public var text: String {
        switch self {
        case .and(let rules): rules.map(\.operandText).joined(separator: " and ")
        case .or(let rules): rules.map(\.operandText).joined(separator: " or ")
        case .not(let rule): "not " + rule.operandText
        case .compare(let field, let comparison, let value):
            "\(field.spelled) \(comparison.rawValue) \(Self.text(of: value, field))"
        case .oneOf(let field, let values, let negated):
            "\(field.spelled) \(negated ? "not in" : "in") [\(values.map { Self.text(of: $0, field) }.joined(separator: ", "))]"
        case .contains(let field, let value): "\(field.spelled) contains \(value.text)"
        case .exists(let field): "\(field.spelled) exists"
        case .between(let field, let low, let high): "\(field.spelled) between \(low.text) and \(high.text)"
        }
    }

    /// A value as the rule writes it; a choice (`stage in [new, active]`) bare when it is a plain word.
    private static func text(of value: CrowdValue, _ field: CrowdFieldReference) -> String {
        if field.field.type == .choice, case .string(let choice) = value, !["and", "or", "not", "in"].contains(choice),
            choice.first?.isLetter == true, choice.allSatisfy(CrowdRuleParser.isWordCharacter)
        {
            return choice
        }
        return value.text
    }

    private var operandText: String {
        switch self {
        case .and, .or: "(\(text))"
        default: text
        }
    }
}

extension CrowdValue {
    /// The value as a rule writes it.
    public var text: String {
        switch self {
        case .number(let number):
            if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
            return "\(number)"
        case .string(let text):
            return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                + "\""
        case .boolean(let flag):
            return flag ? "true" : "false"
        case .date(let day):
            return CalendarDate(dayNumber: day).description
        case .relative(let amount, let unit):
            return "-\(amount)\(unit.rawValue)"
        }
    }
}
