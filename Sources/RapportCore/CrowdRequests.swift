/// Validates the documents of the crowd endpoints. A rule is either text in the rule language or its JSON form;
/// both report what is wrong under the member's name (`rule`, or `rule.and[1].value` in the JSON form).
public enum CrowdRequests {
    /// A new crowd: `{name, description?, rule}`.
    public static func parseCreate(_ document: JSONValue) throws(ValidationError)
        -> (name: String, description: String, rule: CrowdRule)
    {
        var reader = DocumentReader()
        let members = try reader.topLevel(document, allowed: ["name", "description", "rule"])
        let name = reader.requiredText(members["name"], at: "name", max: 200)
        let description = members["description"].flatMap { $0 == .null ? nil : reader.text($0, at: "description",
                                                                                           max: 2000, prose: true) }
        let rule = Self.rule(members["rule"], at: "rule", reader: &reader)
        guard reader.errors.isEmpty, let name, let rule else { throw ValidationError(reader.errors) }
        return (name, description ?? "", rule)
    }

    /// A change (JSON Merge Patch): `{name?, description?, rule?}`; a missing member keeps its value.
    public static func parsePatch(_ document: JSONValue) throws(ValidationError)
        -> (name: String?, description: String?, rule: CrowdRule?)
    {
        var reader = DocumentReader()
        let members = try reader.topLevel(document, allowed: ["name", "description", "rule"])
        let name = members["name"].flatMap { reader.requiredText($0, at: "name", max: 200) }
        let description = members["description"].map { $0 == .null ? "" : reader.text($0, at: "description",
                                                                                     max: 2000, prose: true) ?? "" }
        let rule = members["rule"].flatMap { Self.rule($0, at: "rule", reader: &reader) }
        guard reader.errors.isEmpty else { throw ValidationError(reader.errors) }
        return (name, description, rule)
    }

    /// A preview: `{rule, limit?}` (first members, 0 to 50, default 10).
    public static func parsePreview(_ document: JSONValue) throws(ValidationError) -> (rule: CrowdRule, limit: Int) {
        var reader = DocumentReader()
        let members = try reader.topLevel(document, allowed: ["rule", "limit"])
        let rule = Self.rule(members["rule"], at: "rule", reader: &reader)
        var limit = 10
        if let value = members["limit"], value != .null,
            let number = reader.integer(value, at: "limit", minimum: 0)
        {
            if number > 50 {
                reader.fail("limit", "out_of_range", "at most 50")
            } else {
                limit = Int(number)
            }
        }
        guard reader.errors.isEmpty, let rule else { throw ValidationError(reader.errors) }
        return (rule, limit)
    }

    /// A rule from text, its errors under `field`; at most `maxLength` characters.
    public static func parseText(_ text: String, field: String, maxLength: Int = maxTextLength)
        throws(ValidationError) -> CrowdRule
    {
        guard text.count <= maxLength else {
            throw ValidationError(field: field, code: "too_long", message: "at most \(maxLength) characters")
        }
        do {
            return try CrowdRuleParser().parse(text)
        } catch {
            throw ValidationError(field: field, code: "invalid_rule", message: error.description)
        }
    }

    /// Rules longer than this are refused before parsing.
    public static let maxTextLength = 10_000
    /// A rule in a URL (`?filter=`) is shorter: percent-encoded, a longer one would outgrow what HTTP servers and
    /// proxies accept in a request line. Longer rules go in a body (`POST /crowds/preview`) or a saved crowd.
    public static let maxFilterLength = 1_000

    private static func rule(_ value: JSONValue?, at path: String, reader: inout DocumentReader) -> CrowdRule? {
        switch value {
        case nil, .null?:
            reader.fail(path, "required", "\(path) is required")
            return nil
        case .string(let text)?:
            do {
                return try parseText(text, field: path)
            } catch {
                error.errors.forEach { reader.fail($0.field, $0.code, $0.message) }
                return nil
            }
        case .object?:
            do {
                return try CrowdRule(json: value!, path: path)
            } catch {
                error.errors.forEach { reader.fail($0.field, $0.code, $0.message) }
                return nil
            }
        case let other?:
            reader.wrongType(other, at: path, expected: "a rule: text such as \"tier = high\", or its JSON form")
            return nil
        }
    }
}
