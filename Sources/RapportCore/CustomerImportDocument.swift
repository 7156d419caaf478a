import Foundation

/// One customer of a JSON Lines import: an object with the keys of the API's customer document, checked by the same
/// `CustomerFieldsParser` as a customer created through the API.
///
/// A customer as the API and the JSON Lines export write it imports back to the same fields: the members the server
/// keeps (`id`, `number`, `created_at`, `updated_at`, `archived_at`, `version`, `as_of`) and the derived stats
/// (`stage`, `orders_count`, …) are accepted and ignored. Any other key that is not a customer field is rejected
/// under its own name. `external_id`, a string (or a whole number), is the customer's ID in the import's source
/// system, as the `external_id` column of a CSV import is.
public struct CustomerImportDocument: Sendable {
    /// The source system the file comes from, the key of `external_ids` for `external_id`.
    public let source: String
    let parser: CustomerFieldsParser

    /// Keys an exported customer carries that an import cannot set.
    public static let ignoredKeys: Set<String> = CustomerFieldsParser.readOnlyKeys.union(["as_of"])
        .union(CustomerStats.initial(createdAt: Date(timeIntervalSince1970: 0)).json.keys)

    /// A reader of customers whose `external_id` belongs to `source`.
    public init(source: String, defaultPhoneRegion: String) {
        self.source = source
        parser = CustomerFieldsParser(defaultPhoneRegion: defaultPhoneRegion)
    }

    /// The customer an object describes, and which of its fields the object gave — the customer keys present, even
    /// as null (which clears a single value, as in a merge patch) — for `CustomerFields.merging(_:given:)`.
    /// - Throws: `ValidationError` listing every problem, with the path of the field behind it; a key that is neither
    ///   a customer field, `external_id` nor an ignored key is `unknown_field`.
    public func parse(_ document: JSONValue) throws(ValidationError) -> (fields: CustomerFields, given: Set<String>) {
        guard var members = document.objectValue else {
            throw ValidationError(field: "", code: "wrong_type", message: "expected a JSON object")
        }
        for key in Self.ignoredKeys { members[key] = nil }
        var errors: [FieldError] = []
        if let id = members.removeValue(forKey: "external_id") {
            addExternalID(id, to: &members, errors: &errors)
        }
        let fields: CustomerFields
        do {
            fields = try parser.parse(.object(members))
        } catch {
            throw ValidationError(errors + error.errors)
        }
        if !errors.isEmpty { throw ValidationError(errors) }
        return (fields, Set(members.keys))
    }

    /// Puts `external_id` into `external_ids` under the source; an ID the object also gives there must agree.
    private func addExternalID(_ id: JSONValue, to members: inout [String: JSONValue], errors: inout [FieldError]) {
        let text: String
        switch id {
        case .null:
            return
        case .string(let value):
            text = value
        case .number(let value) where value.rounded() == value && abs(value) < 9.007_199_254_740_992e15:
            text = String(Int64(value))
        default:
            errors.append(FieldError(field: "external_id", code: "wrong_type",
                                     message: "expected a string, got \(id.typeName)"))
            return
        }
        let key = TextNormalization.clean(source).lowercased()
        var ids: [String: JSONValue]
        switch members["external_ids"] {
        case nil, .null?: ids = [:]
        case .object(let given)?: ids = given
        // The parser reports an `external_ids` that is not an object.
        default: return
        }
        let clash = ids.first { TextNormalization.clean($0.key).lowercased() == key }
        if let clash, clash.value.stringValue.map(TextNormalization.clean) != TextNormalization.clean(text) {
            errors.append(FieldError(field: "external_id", code: "conflict",
                                     message: "external_ids.\(clash.key) gives another ID for \(key)"))
            return
        }
        ids[clash?.key ?? key] = .string(text)
        members["external_ids"] = .object(ids)
    }
}
