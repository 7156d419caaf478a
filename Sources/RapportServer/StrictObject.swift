import RapportCore

/// Reads a small JSON object whose members all have simple types, rejecting unknown members by name.
struct StrictObject {
    let members: [String: JSONValue]
    private(set) var errors: [FieldError] = []

    /// Checks that `document` is an object with no members outside `allowed`.
    init(_ document: JSONValue, allowed: [String]) {
        guard let members = document.objectValue else {
            self.members = [:]
            errors.append(FieldError(field: "", code: "wrong_type", message: "expected a JSON object"))
            return
        }
        self.members = members
        for key in members.keys.sorted() where !allowed.contains(key) {
            errors.append(FieldError(field: key, code: "unknown_field",
                                     message: "unknown field; expected one of: \(allowed.joined(separator: ", "))"))
        }
    }

    /// A string member, cleaned; records an error when it is required and missing, or not a string.
    mutating func string(_ key: String, required: Bool) -> String? {
        switch members[key] {
        case nil, .null?:
            if required { errors.append(FieldError(field: key, code: "required", message: "\(key) is required")) }
            return nil
        case .string(let text)?:
            let cleaned = TextNormalization.clean(text)
            if cleaned.isEmpty, required {
                errors.append(FieldError(field: key, code: "required", message: "\(key) cannot be empty"))
                return nil
            }
            return cleaned.isEmpty ? nil : cleaned
        case let other?:
            errors.append(FieldError(field: key, code: "wrong_type", message: "expected a string, got \(other.typeName)"))
            return nil
        }
    }

    mutating func fail(_ field: String, _ code: String, _ message: String) {
        errors.append(FieldError(field: field, code: code, message: message))
    }

    /// Throws the collected errors, if any.
    func check() throws {
        if !errors.isEmpty { throw ValidationError(errors) }
    }
}
