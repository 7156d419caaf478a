import Foundation

/// Reads typed values out of `JSONValue`s, recording an error (with the field's path) and returning nil where a
/// value does not fit, so a parser reports every problem of a document at once.
struct DocumentReader {
    var errors: [FieldError] = []

    mutating func fail(_ field: String, _ code: String, _ message: String) {
        errors.append(FieldError(field: field, code: code, message: message))
    }

    mutating func wrongType(_ value: JSONValue, at path: String, expected: String) {
        fail(path, "wrong_type", "expected \(expected), got \(value.typeName)")
    }

    /// Cleaned text; nil for absent or null, and empty text after cleaning counts as absent. Names, numbers and
    /// addresses are folded to half-width; `prose` (notes, subjects) is only trimmed, so Chinese punctuation such as
    /// `：` stays as written.
    mutating func text(_ value: JSONValue?, at path: String, max: Int = 500, prose: Bool = false) -> String? {
        guard let value, value != .null else { return nil }
        guard let raw = value.stringValue else {
            wrongType(value, at: path, expected: "a string")
            return nil
        }
        let cleaned = prose ? raw.trimmingCharacters(in: .whitespacesAndNewlines) : TextNormalization.clean(raw)
        // A text of at most `max` bytes has at most `max` characters, without counting them.
        if cleaned.utf8.count > max, cleaned.count > max {
            fail(path, "too_long", "at most \(max) characters")
            return nil
        }
        // The control characters (general category Cc) are exactly U+0000…U+001F and U+007F…U+009F.
        let isControl = { (scalar: Unicode.Scalar) in
            (scalar.value < 0x20 && scalar != "\n") || (0x7F...0x9F).contains(scalar.value)
        }
        if cleaned.unicodeScalars.contains(where: isControl) {
            fail(path, "invalid_text", "control characters are not allowed")
            return nil
        }
        return cleaned.isEmpty ? nil : cleaned
    }

    mutating func bool(_ value: JSONValue?, at path: String) -> Bool? {
        guard let value, value != .null else { return nil }
        guard case .bool(let flag) = value else {
            wrongType(value, at: path, expected: "true or false")
            return nil
        }
        return flag
    }

    mutating func enumeration<E: RawRepresentable & CaseIterable>(
        _ value: JSONValue?, at path: String, as: E.Type
    ) -> E? where E.RawValue == String {
        guard let text = text(value, at: path) else { return nil }
        guard let result = E(rawValue: text) else {
            let options = E.allCases.map(\.rawValue).joined(separator: ", ")
            fail(path, "invalid_value", "expected one of: \(options)")
            return nil
        }
        return result
    }

    mutating func uuid(_ value: JSONValue?, at path: String) -> UUID? {
        guard let text = text(value, at: path) else { return nil }
        guard let id = UUIDText.parse(text) else {
            fail(path, "invalid_id", "expected a UUID")
            return nil
        }
        return id
    }

    mutating func calendarDate(_ value: JSONValue?, at path: String) -> CalendarDate? {
        guard let text = text(value, at: path) else { return nil }
        guard let date = CalendarDate(parsing: text), date.year >= 1900 else {
            fail(path, "invalid_date", "expected a date written YYYY-MM-DD, after 1900")
            return nil
        }
        return date
    }

    /// Members of an object whose keys must come from `allowed`; unknown keys are reported.
    mutating func object(_ value: JSONValue, at path: String, allowed: [String]) -> [String: JSONValue]? {
        guard let members = value.objectValue else {
            wrongType(value, at: path, expected: "an object")
            return nil
        }
        for key in members.keys.sorted() where !allowed.contains(key) {
            fail("\(path).\(key)", "unknown_field", "unknown field; expected one of: \(allowed.joined(separator: ", "))")
        }
        return members
    }

    mutating func list<T>(
        _ value: JSONValue?, at path: String, maxCount: Int = 50, item: (inout DocumentReader, JSONValue, String) -> T?
    ) -> [T] {
        guard let value, value != .null else { return [] }
        guard let items = value.arrayValue else {
            wrongType(value, at: path, expected: "an array")
            return []
        }
        if items.count > maxCount {
            fail(path, "too_many", "at most \(maxCount) entries")
            return []
        }
        return items.enumerated().compactMap { index, element in item(&self, element, "\(path)[\(index)]") }
    }

    /// Cleaned text that must be there.
    mutating func requiredText(_ value: JSONValue?, at path: String, max: Int = 500, prose: Bool = false) -> String? {
        let errorsBefore = errors.count
        let text = text(value, at: path, max: max, prose: prose)
        if text == nil, errors.count == errorsBefore { fail(path, "required", "\(path) is required") }
        return text
    }

    /// A whole number of at least `minimum`; money is always a whole number of minor units.
    mutating func integer(_ value: JSONValue?, at path: String, minimum: Int64, required: Bool = true) -> Int64? {
        guard let value, value != .null else {
            if required { fail(path, "required", "\(path) is required") }
            return nil
        }
        guard case .number(let number) = value else {
            wrongType(value, at: path, expected: "a number")
            return nil
        }
        guard number.rounded() == number, abs(number) <= Double(1 << 53) else {
            fail(path, "not_an_integer", "expected a whole number (money is in minor units, such as fen)")
            return nil
        }
        guard Int64(number) >= minimum else {
            fail(path, minimum > 0 ? "must_be_positive" : "must_not_be_negative",
                 minimum > 0 ? "must be at least \(minimum)" : "must not be negative")
            return nil
        }
        return Int64(number)
    }

    /// An RFC 3339 time that must be there.
    mutating func time(_ value: JSONValue?, at path: String) -> Date? {
        guard let text = requiredText(value, at: path, max: 64) else { return nil }
        guard let date = RFC3339.parse(text) else {
            fail(path, "invalid_time", "expected an RFC 3339 time such as 2026-01-31T09:00:00+08:00")
            return nil
        }
        return date
    }

    /// The members of a top-level document, with members outside `allowed` already reported.
    /// - Throws: `ValidationError` when the document is not an object.
    mutating func topLevel(_ document: JSONValue, allowed: [String]) throws(ValidationError) -> [String: JSONValue] {
        guard let members = document.objectValue else {
            throw ValidationError(field: "", code: "wrong_type", message: "expected a JSON object")
        }
        rejectUnknown(members, allowed: allowed)
        return members
    }

    /// A UUID that must be there.
    mutating func requiredUUID(_ value: JSONValue?, at path: String) -> UUID? {
        let errorsBefore = errors.count
        let id = uuid(value, at: path)
        if id == nil, errors.count == errorsBefore { fail(path, "required", "\(path) is required") }
        return id
    }

    /// Reports the members of `object` whose keys are not in `allowed`.
    mutating func rejectUnknown(_ object: [String: JSONValue], allowed: [String], prefix: String = "") {
        for key in object.keys.sorted() where !allowed.contains(key) {
            fail(prefix + key, "unknown_field", "unknown field; expected one of: \(allowed.joined(separator: ", "))")
        }
    }
}
