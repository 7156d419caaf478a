/// A rule that cannot be read: where, and what was expected.
public struct CrowdRuleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// 1-based character position in the rule text (1 for whole-rule problems such as its size).
    public let column: Int
    public let problem: CrowdRuleProblem
    /// The problem's values in the order of its template's `{0}`, `{1}` …: tokens as the rule shows them, names of
    /// fields, lists of what is allowed.
    public let arguments: [String]

    /// An error at `column`.
    public init(column: Int, _ problem: CrowdRuleProblem, _ arguments: [String] = []) {
        self.column = column
        self.problem = problem
        self.arguments = arguments
    }

    /// "expected a value after '>='".
    public var message: String {
        NumberedTemplate.fill(problem.template, with: arguments)
    }

    /// "column 17: expected a value after '>='".
    public var description: String { "column \(column): \(message)" }
}

/// What is wrong with a rule; the web UI says it in its reader's language from `rule_error.<raw value>`.
public enum CrowdRuleProblem: String, CaseIterable, Sendable {
    case empty = "empty"
    case expectedConnective = "expected_connective"
    case tooManyPredicates = "too_many_predicates"
    case unclosedString = "unclosed_string"
    case unexpectedCharacter = "unexpected_character"
    case notAValue = "not_a_value"
    case controlCharacters = "control_characters"
    case takesString = "takes_string"
    case takesChoice = "takes_choice"
    case takesNumber = "takes_number"
    case takesDate = "takes_date"
    case takesBoolean = "takes_boolean"
    case takesAny = "takes_any"
    case notAChoice = "not_a_choice"
    case expectedValueAfter = "expected_value_after"
    case tooDeep = "too_deep"
    case expectedOperandAtEnd = "expected_operand_at_end"
    case unclosedParenthesis = "unclosed_parenthesis"
    case expectedField = "expected_field"
    case expectedComparisonAfter = "expected_comparison_after"
    case notApplicable = "not_applicable"
    case expectedInAfterNot = "expected_in_after_not"
    case expectedAndInBetween = "expected_and_in_between"
    case unknownComparison = "unknown_comparison"
    case unknownField = "unknown_field"
    case keyNeeded = "key_needed"
    case badKey = "bad_key"
    case unknownKey = "unknown_key"
    case noKey = "no_key"
    case expectedBracket = "expected_bracket"
    case unclosedList = "unclosed_list"

    /// The English message; `{0}`, `{1}` … stand for the error's arguments.
    public var template: String {
        switch self {
        case .empty: "the rule is empty"
        case .expectedConnective: "expected 'and', 'or' or the end, found {0}"
        case .tooManyPredicates: "the rule has {0} predicates; at most {1}"
        case .unclosedString: "this string has no closing quote"
        case .unexpectedCharacter: "unexpected '{0}'"
        case .notAValue: "'{0}' is not a number, a date (2026-01-31) or a relative date (-90d, -6m, -1y)"
        case .controlCharacters: "a string cannot hold control characters"
        case .takesString: "{0} takes a quoted string, found {1}"
        case .takesChoice: "{0} takes one of {1}, found {2}"
        case .takesNumber: "{0} takes a number, found {1}"
        case .takesDate: "{0} takes a date (2026-01-31) or a relative date (-90d, -6m, -1y), found {1}"
        case .takesBoolean: "{0} takes true or false, found {1}"
        case .takesAny: "{0} takes a quoted string, a number, true or false, found {1}"
        case .notAChoice: "{0} is one of {1}; found {2}"
        case .expectedValueAfter: "expected a value after {0}"
        case .tooDeep: "the rule nests deeper than {0} levels"
        case .expectedOperandAtEnd: "expected a field, 'not' or '(' at the end of the rule"
        case .unclosedParenthesis: "expected ')' to close the '(' at column {0}"
        case .expectedField: "expected a field, found {0}"
        case .expectedComparisonAfter: "expected a comparison after '{0}'"
        case .notApplicable: "{0} does not apply to {1} ({2})"
        case .expectedInAfterNot: "expected 'in' after 'not'"
        case .expectedAndInBetween: "expected 'and' in 'between … and …'"
        case .unknownComparison:
            "expected a comparison (= != < <= > >=, in, not in, contains, exists, between) after '{0}', found {1}"
        case .unknownField: "unknown field '{0}'; the fields are {1}"
        case .keyNeeded: "'{0}' needs a key: {0}.<key>"
        case .badKey: "a key is letters, digits, '_' and '.'; found '{0}'"
        case .unknownKey: "unknown key '{0}' of '{1}'; the keys are {2}"
        case .noKey: "'{0}' takes no key"
        case .expectedBracket: "expected '[' after {0}"
        case .unclosedList: "expected ',' or ']' in the list opened at column {0}"
        }
    }
}
