/// Reads the crowd rule language: `stage in [active, silent] and rfm_group = "At Risk" and last_purchase_at < -90d
/// and tag = "vip" and not city = "上海"`.
///
///     rule      := and ("or" and)*
///     and       := unary ("and" unary)*
///     unary     := "not" unary | "(" rule ")" | predicate
///     predicate := field ( op value | "in" list | "not" "in" list | "contains" value | "exists"
///                        | "between" value "and" value )
///     list      := "[" value ("," value)* "]"
///
/// Values are numbers, quoted strings (any Unicode; `\"` and `\\` escaped), `true`/`false`, dates (`2026-01-31`)
/// and relative dates (`-90d`, `-6m`, `-1y`); a choice field also takes its values unquoted (`stage in [active]`).
/// Every value is checked against its field's type.
public struct CrowdRuleParser: Sendable {
    /// At most this deep and this many predicates: a rule is written by a person, and evaluating it must stay cheap.
    public static let maxDepth = 32
    public static let maxPredicates = 100

    /// Creates a parser.
    public init() {}

    /// Parses a rule.
    /// - Throws: `CrowdRuleError` at the first problem.
    public func parse(_ text: String) throws(CrowdRuleError) -> CrowdRule {
        var reader = Reader(tokens: try Self.tokens(of: text), end: text.count + 1)
        guard reader.peek != nil else { throw CrowdRuleError(column: 1, .empty) }
        let rule = try reader.rule(depth: 1)
        if let extra = reader.peek {
            throw CrowdRuleError(column: extra.column, .expectedConnective, [extra.shown])
        }
        if rule.predicates > Self.maxPredicates {
            throw CrowdRuleError(column: 1, .tooManyPredicates, [String(rule.predicates), String(Self.maxPredicates)])
        }
        return rule
    }

    // MARK: - Tokens

    struct Token: Equatable {
        enum Kind: Equatable {
            case word(String)
            case string(String)
            case number(Double)
            case date(Int)
            case relative(Int, CrowdValue.RelativeUnit)
            case symbol(String)
        }

        let kind: Kind
        let column: Int

        var shown: String {
            switch kind {
            case .word(let word): "'\(word)'"
            case .string(let text): "\"\(text)\""
            case .number(let number): "\(number)"
            case .date, .relative: "a date"
            case .symbol(let symbol): "'\(symbol)'"
            }
        }

        func isWord(_ word: String) -> Bool { kind == .word(word) }
        func isSymbol(_ symbol: String) -> Bool { kind == .symbol(symbol) }
    }

    static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_" || character == "."
    }

    static func tokens(of text: String) throws(CrowdRuleError) -> [Token] {
        let characters = Array(text)
        var tokens: [Token] = []
        var index = 0
        while index < characters.count {
            let character = characters[index]
            let column = index + 1
            if character.isWhitespace {
                index += 1
                continue
            }
            if character == "\"" {
                var value = ""
                index += 1
                var closed = false
                while index < characters.count {
                    let next = characters[index]
                    if next == "\\", index + 1 < characters.count {
                        value.append(characters[index + 1])
                        index += 2
                        continue
                    }
                    index += 1
                    if next == "\"" {
                        closed = true
                        break
                    }
                    value.append(next)
                }
                guard closed else { throw CrowdRuleError(column: column, .unclosedString) }
                tokens.append(Token(kind: .string(value), column: column))
                continue
            }
            if let symbol = ["!=", "<=", ">="].first(where: { index + 1 < characters.count
                    && String(characters[index...index + 1]) == $0 })
            {
                tokens.append(Token(kind: .symbol(symbol), column: column))
                index += 2
                continue
            }
            if "=<>()[],".contains(character) {
                tokens.append(Token(kind: .symbol(String(character)), column: column))
                index += 1
                continue
            }
            if character.isNumber || character == "-" || character == "+" {
                var end = index + 1
                while end < characters.count, characters[end].isNumber || ".-+".contains(characters[end])
                    || characters[end].isLetter
                {
                    end += 1
                }
                let word = String(characters[index..<end])
                tokens.append(Token(kind: try literal(word, column: column), column: column))
                index = end
                continue
            }
            if isWordCharacter(character) {
                var end = index + 1
                while end < characters.count, isWordCharacter(characters[end]) { end += 1 }
                tokens.append(Token(kind: .word(String(characters[index..<end])), column: column))
                index = end
                continue
            }
            throw CrowdRuleError(column: column, .unexpectedCharacter, [String(character)])
        }
        return tokens
    }

    /// A number, a date or a relative date.
    static func literal(_ word: String, column: Int) throws(CrowdRuleError) -> Token.Kind {
        if word.allSatisfy({ "0123456789.eE+-".contains($0) }), let number = Double(word), number.isFinite {
            return .number(number)
        }
        if let date = CalendarDate(parsing: word) { return .date(date.dayNumber) }
        if word.hasPrefix("-"), let unit = word.last.flatMap({ CrowdValue.RelativeUnit(rawValue: String($0)) }),
            let amount = Int(word.dropFirst().dropLast()), amount >= 0, amount <= 100_000
        {
            return .relative(amount, unit)
        }
        throw CrowdRuleError(column: column, .notAValue, [word])
    }

    /// `token` as a value of `reference`'s field, or the error saying what the field takes.
    static func value(_ valueToken: Token, for reference: CrowdFieldReference, after token: Token?)
        throws(CrowdRuleError) -> CrowdValue
    {
        let field = reference.field
        if case .string(let text) = valueToken.kind, text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw CrowdRuleError(column: valueToken.column, .controlCharacters)
        }
        func wrong(_ problem: CrowdRuleProblem) -> CrowdRuleError {
            CrowdRuleError(column: valueToken.column, problem, [reference.spelled, valueToken.shown])
        }
        switch (field.type, valueToken.kind) {
        case (.text, .string(let text)):
            return .string(text)
        case (.choice, .string(let text)), (.choice, .word(let text)):
            guard field.choices.contains(text) else {
                throw CrowdRuleError(column: valueToken.column, .notAChoice,
                                     [reference.spelled, field.choices.joined(separator: ", "), valueToken.shown])
            }
            return .string(text)
        case (.number, .number(let number)), (.money, .number(let number)), (.any, .number(let number)):
            return .number(number)
        case (.any, .string(let text)):
            return .string(text)
        case (.date, .date(let day)):
            return .date(day: day)
        case (.date, .relative(let amount, let unit)):
            return .relative(amount: amount, unit: unit)
        case (.boolean, .word("true")), (.any, .word("true")):
            return .boolean(true)
        case (.boolean, .word("false")), (.any, .word("false")):
            return .boolean(false)
        case (_, .symbol), (_, .word("and")), (_, .word("or")):
            throw CrowdRuleError(column: valueToken.column, .expectedValueAfter, [token?.shown ?? "it"])
        case (.text, _):
            throw wrong(.takesString)
        case (.choice, _):
            throw CrowdRuleError(column: valueToken.column, .takesChoice,
                                 [reference.spelled, field.choices.joined(separator: ", "), valueToken.shown])
        case (.number, _), (.money, _):
            throw wrong(.takesNumber)
        case (.date, _):
            throw wrong(.takesDate)
        case (.boolean, _):
            throw wrong(.takesBoolean)
        case (.any, _):
            throw wrong(.takesAny)
        }
    }

    // MARK: - Grammar

    struct Reader {
        let tokens: [Token]
        /// The column just past the text, where "expected …" points when the text ends early.
        let end: Int
        var position = 0

        var peek: Token? { position < tokens.count ? tokens[position] : nil }

        mutating func next() -> Token? {
            defer { position += 1 }
            return peek
        }

        func columnAfter(_ token: Token?) -> Int { peek?.column ?? end }

        mutating func rule(depth: Int) throws(CrowdRuleError) -> CrowdRule {
            guard depth <= CrowdRuleParser.maxDepth else {
                throw CrowdRuleError(column: peek?.column ?? end, .tooDeep, [String(CrowdRuleParser.maxDepth)])
            }
            var alternatives = [try conjunction(depth: depth)]
            while peek?.isWord("or") == true {
                _ = next()
                alternatives.append(try conjunction(depth: depth))
            }
            return alternatives.count == 1 ? alternatives[0] : .or(alternatives)
        }

        mutating func conjunction(depth: Int) throws(CrowdRuleError) -> CrowdRule {
            var terms = [try unary(depth: depth)]
            while peek?.isWord("and") == true {
                _ = next()
                terms.append(try unary(depth: depth))
            }
            return terms.count == 1 ? terms[0] : .and(terms)
        }

        mutating func unary(depth: Int) throws(CrowdRuleError) -> CrowdRule {
            guard let token = peek else {
                throw CrowdRuleError(column: end, .expectedOperandAtEnd)
            }
            if token.isWord("not") {
                _ = next()
                guard depth < CrowdRuleParser.maxDepth else {
                    throw CrowdRuleError(column: token.column, .tooDeep, [String(CrowdRuleParser.maxDepth)])
                }
                return .not(try unary(depth: depth + 1))
            }
            if token.isSymbol("(") {
                _ = next()
                let inner = try rule(depth: depth + 1)
                guard let close = next(), close.isSymbol(")") else {
                    throw CrowdRuleError(column: tokens.indices.contains(position - 1) ? tokens[position - 1].column
                        : end, .unclosedParenthesis, [String(token.column)])
                }
                return inner
            }
            return try predicate()
        }

        mutating func predicate() throws(CrowdRuleError) -> CrowdRule {
            let token = next()!
            guard case .word(let word) = token.kind else {
                throw CrowdRuleError(column: token.column, .expectedField, [token.shown])
            }
            let reference = try Self.reference(word, column: token.column)
            guard let operatorToken = next() else {
                throw CrowdRuleError(column: end, .expectedComparisonAfter, [word])
            }
            let type = reference.field.type
            func check(_ allowed: Bool) throws(CrowdRuleError) {
                guard allowed else {
                    throw CrowdRuleError(column: operatorToken.column, .notApplicable,
                                         [operatorToken.shown, reference.spelled, type.rawValue])
                }
            }
            switch operatorToken.kind {
            case .symbol(let symbol):
                guard let comparison = CrowdComparison(rawValue: symbol) else { break }
                let ordered = comparison != .equal && comparison != .notEqual
                try check(!ordered || type.isOrdered)
                return .compare(reference, comparison, try value(for: reference, after: operatorToken))
            case .word("in"):
                try check(type.takesLists)
                return .oneOf(reference, try list(for: reference, after: operatorToken), negated: false)
            case .word("not"):
                guard let inToken = next(), inToken.isWord("in") else {
                    throw CrowdRuleError(column: columnAfter(operatorToken), .expectedInAfterNot)
                }
                try check(type.takesLists)
                return .oneOf(reference, try list(for: reference, after: inToken), negated: true)
            case .word("contains"):
                try check(type.takesContains)
                return .contains(reference, try value(for: reference, after: operatorToken))
            case .word("exists"):
                return .exists(reference)
            case .word("between"):
                try check(type.isOrdered)
                let low = try value(for: reference, after: operatorToken)
                guard let andToken = next(), andToken.isWord("and") else {
                    throw CrowdRuleError(column: peek?.column ?? end, .expectedAndInBetween)
                }
                return .between(reference, low, try value(for: reference, after: andToken))
            default:
                break
            }
            throw CrowdRuleError(column: operatorToken.column, .unknownComparison, [word, operatorToken.shown])
        }

        static func reference(_ word: String, column: Int) throws(CrowdRuleError) -> CrowdFieldReference {
            let parts = word.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let field = CrowdFields.named(parts[0]) else {
                throw CrowdRuleError(column: column, .unknownField,
                                     [word, CrowdFields.spelled.joined(separator: ", ")])
            }
            if field.keyed {
                guard parts.count == 2, !parts[1].isEmpty else {
                    throw CrowdRuleError(column: column, .keyNeeded, [field.name])
                }
                guard parts[1].allSatisfy(CrowdRuleParser.isWordCharacter) else {
                    throw CrowdRuleError(column: column, .badKey, [String(parts[1])])
                }
                guard field.keys.isEmpty || field.keys.contains(parts[1]) else {
                    throw CrowdRuleError(column: column, .unknownKey,
                                         [String(parts[1]), field.name, field.keys.joined(separator: ", ")])
                }
                return CrowdFieldReference(field: field, key: parts[1])
            }
            guard parts.count == 1 else {
                throw CrowdRuleError(column: column, .noKey, [field.name])
            }
            return CrowdFieldReference(field: field)
        }

        mutating func list(for reference: CrowdFieldReference, after token: Token) throws(CrowdRuleError)
            -> [CrowdValue]
        {
            guard let open = next(), open.isSymbol("[") else {
                throw CrowdRuleError(column: columnAfter(token), .expectedBracket, [token.shown])
            }
            var values = [try value(for: reference, after: open)]
            while let separator = peek, separator.isSymbol(",") {
                _ = next()
                values.append(try value(for: reference, after: separator))
            }
            guard let close = next(), close.isSymbol("]") else {
                throw CrowdRuleError(column: tokens.indices.contains(position - 1) ? tokens[position - 1].column : end,
                                     .unclosedList, [String(open.column)])
            }
            return values
        }

        /// The value after `token`, checked against the field's type.
        mutating func value(for reference: CrowdFieldReference, after token: Token) throws(CrowdRuleError)
            -> CrowdValue
        {
            guard let valueToken = next() else {
                throw CrowdRuleError(column: end, .expectedValueAfter, [token.shown])
            }
            return try CrowdRuleParser.value(valueToken, for: reference, after: token)
        }
    }
}
