/// One reason a request was rejected, tied to the field that caused it.
///
/// `field` is a path into the request body (`emails[1].address`, `consent.sms`); `code` is a stable snake_case
/// word for programs; `message` is English prose for people.
public struct FieldError: Equatable, Sendable, Codable {
    /// Path of the offending field in the request body.
    public let field: String
    /// Stable machine-readable reason, e.g. `invalid_email`, `unknown_field`, `wrong_type`.
    public let code: String
    /// Human-readable explanation.
    public let message: String

    /// Creates a field error.
    public init(field: String, code: String, message: String) {
        self.field = field
        self.code = code
        self.message = message
    }
}

/// A request whose content is well-formed but breaks the rules; carries every problem found, not just the first.
public struct ValidationError: Error, Equatable, Sendable {
    /// All the problems, in the order found.
    public let errors: [FieldError]

    /// Creates a validation error from its field errors.
    public init(_ errors: [FieldError]) {
        self.errors = errors
    }

    /// A validation error about a single field.
    public init(field: String, code: String, message: String) {
        self.errors = [FieldError(field: field, code: code, message: message)]
    }

    /// The same errors under other field names: an import reports the API's paths under the file's column titles.
    public func renamingFields(_ rename: (String) -> String) -> ValidationError {
        ValidationError(errors.map { FieldError(field: rename($0.field), code: $0.code, message: $0.message) })
    }
}
