import Foundation

/// Turns a customer document from a client (the body of a create, or the result of applying a merge patch) into
/// normalised `CustomerFields`, reporting every problem with the path of the field that caused it.
public struct CustomerFieldsParser: Sendable {
    /// ISO 3166-1 region used for phone numbers written without an international prefix.
    public let defaultPhoneRegion: String

    /// Keys the server owns; a client that sends them gets `read_only_field` rather than `unknown_field`.
    public static let readOnlyKeys: Set<String> = ["id", "number", "created_at", "updated_at", "archived_at", "version"]

    /// Limits that keep one customer document a reasonable size.
    static let maxNameLength = 200
    static let maxTagLength = 64

    /// Creates a parser.
    public init(defaultPhoneRegion: String) {
        self.defaultPhoneRegion = defaultPhoneRegion
    }

    /// Applies a JSON Merge Patch (RFC 7396) to `current` and validates the result.
    /// - Throws: `ValidationError` when the patch is not an object, names a field that cannot be written (even to
    ///   null), or leaves the customer invalid.
    public func parsePatch(_ patch: JSONValue, onto current: CustomerFields) throws(ValidationError) -> CustomerFields {
        guard let members = patch.objectValue else {
            throw ValidationError(field: "", code: "wrong_type", message: "a merge patch must be a JSON object")
        }
        let unwritable = members.keys.sorted().filter { !CustomerFields.keys.contains($0) }
        if !unwritable.isEmpty {
            throw ValidationError(unwritable.map { Self.unwritableKeyError($0) })
        }
        return try parse(MergePatch.apply(patch, to: current.document))
    }

    /// Validates and normalises a whole customer document.
    /// - Throws: `ValidationError` listing every invalid, unknown or read-only field.
    public func parse(_ document: JSONValue) throws(ValidationError) -> CustomerFields {
        var reader = DocumentReader()
        guard let members = document.objectValue else {
            throw ValidationError(field: "", code: "wrong_type", message: "expected a JSON object")
        }
        for key in members.keys.sorted() where !CustomerFields.keys.contains(key) {
            reader.errors.append(Self.unwritableKeyError(key))
        }

        let kind = reader.enumeration(members["kind"], at: "kind", as: CustomerKind.self) ?? .person
        let errorsBeforeName = reader.errors.count
        let name = reader.text(members["name"], at: "name", max: Self.maxNameLength)
        if name == nil, reader.errors.count == errorsBeforeName {
            reader.fail("name", "required", "name is required")
        }
        let fields = CustomerFields(
            kind: kind,
            name: name ?? "",
            emails: reader.list(members["emails"], at: "emails") { reader, item, path in
                reader.emailEntry(item, at: path)
            }.withOnePrimary(),
            phones: reader.list(members["phones"], at: "phones") { reader, item, path in
                reader.phoneEntry(item, at: path, region: defaultPhoneRegion)
            }.withOnePrimary(),
            social: reader.list(members["social"], at: "social") { reader, item, path in
                reader.socialHandle(item, at: path)
            },
            addresses: reader.list(members["addresses"], at: "addresses") { reader, item, path in
                reader.address(item, at: path)
            },
            tags: reader.tags(members["tags"], at: "tags"),
            attributes: reader.attributes(members["attributes"], at: "attributes"),
            ownerID: reader.uuid(members["owner_id"], at: "owner_id"),
            team: reader.text(members["team"], at: "team", max: Self.maxNameLength),
            source: reader.text(members["source"], at: "source", max: Self.maxNameLength),
            birthday: reader.calendarDate(members["birthday"], at: "birthday"),
            consent: reader.consent(members["consent"], at: "consent"),
            externalIDs: reader.externalIDs(members["external_ids"], at: "external_ids")
        )
        reader.rejectDuplicates(fields.emails.map(\.address), at: "emails", item: "address")
        reader.rejectDuplicates(fields.phones.map(\.number), at: "phones", item: "number")
        if !reader.errors.isEmpty { throw ValidationError(reader.errors) }
        return fields
    }

    private static func unwritableKeyError(_ key: String) -> FieldError {
        if readOnlyKeys.contains(key) {
            return FieldError(field: key, code: "read_only_field", message: "\(key) is set by the server")
        }
        return FieldError(field: key, code: "unknown_field",
                          message: "unknown field; expected one of: \(CustomerFields.keys.joined(separator: ", "))")
    }
}

/// The customer-specific readers.
extension DocumentReader {
    mutating func emailEntry(_ value: JSONValue, at path: String) -> EmailEntry? {
        guard let members = object(value, at: path, allowed: ["address", "label", "primary"]) else { return nil }
        let label = text(members["label"], at: "\(path).label", max: 64)
        let primary = bool(members["primary"], at: "\(path).primary") ?? false
        guard let raw = text(members["address"], at: "\(path).address") else {
            fail("\(path).address", "required", "address is required")
            return nil
        }
        do {
            return EmailEntry(address: try EmailAddress.normalize(raw), label: label, primary: primary)
        } catch {
            fail("\(path).address", error.code, error.message)
            return nil
        }
    }

    mutating func phoneEntry(_ value: JSONValue, at path: String, region: String) -> PhoneEntry? {
        guard let members = object(value, at: path, allowed: ["number", "label", "primary"]) else { return nil }
        let label = text(members["label"], at: "\(path).label", max: 64)
        let primary = bool(members["primary"], at: "\(path).primary") ?? false
        guard let raw = text(members["number"], at: "\(path).number") else {
            fail("\(path).number", "required", "number is required")
            return nil
        }
        do {
            return PhoneEntry(number: try PhoneNumber(parsing: raw, defaultRegion: region).e164, label: label,
                              primary: primary)
        } catch {
            fail("\(path).number", error.code, error.message)
            return nil
        }
    }

    mutating func socialHandle(_ value: JSONValue, at path: String) -> SocialHandle? {
        guard let members = object(value, at: path, allowed: ["network", "handle"]) else { return nil }
        let network = text(members["network"], at: "\(path).network", max: 32)?.lowercased()
        let handle = text(members["handle"], at: "\(path).handle", max: 128)
        if network == nil { fail("\(path).network", "required", "network is required (wechat, weibo, …)") }
        if handle == nil { fail("\(path).handle", "required", "handle is required") }
        guard let network, let handle else { return nil }
        return SocialHandle(network: network, handle: handle)
    }

    mutating func address(_ value: JSONValue, at path: String) -> PostalAddress? {
        let keys = PostalAddress.CodingKeys.allCases.map(\.rawValue)
        guard let members = object(value, at: path, allowed: keys) else { return nil }
        let address = PostalAddress(
            label: text(members["label"], at: "\(path).label", max: 64),
            country: text(members["country"], at: "\(path).country", max: 64),
            province: text(members["province"], at: "\(path).province", max: 64),
            city: text(members["city"], at: "\(path).city", max: 64),
            district: text(members["district"], at: "\(path).district", max: 64),
            street: text(members["street"], at: "\(path).street"),
            postalCode: text(members["postal_code"], at: "\(path).postal_code", max: 16)
        )
        let parts = [address.country, address.province, address.city, address.district, address.street,
                     address.postalCode]
        if parts.allSatisfy({ $0 == nil }) {
            fail(path, "required", "an address needs at least one of country, province, city, district, street, postal_code")
            return nil
        }
        return address
    }

    mutating func tags(_ value: JSONValue?, at path: String) -> [String] {
        let tags = list(value, at: path) { reader, item, itemPath -> String? in
            guard item.stringValue != nil else {
                reader.wrongType(item, at: itemPath, expected: "a string")
                return nil
            }
            let errorsBefore = reader.errors.count
            let tag = reader.text(item, at: itemPath, max: CustomerFieldsParser.maxTagLength)
            if tag == nil, reader.errors.count == errorsBefore {
                reader.fail(itemPath, "required", "a tag cannot be empty")
            }
            return tag
        }
        var seen = Set<String>()
        return tags.filter { seen.insert($0).inserted }
    }

    mutating func attributes(_ value: JSONValue?, at path: String) -> [String: JSONValue] {
        guard let value, value != .null else { return [:] }
        guard let members = value.objectValue else {
            wrongType(value, at: path, expected: "an object of string keys to scalar values")
            return [:]
        }
        var result: [String: JSONValue] = [:]
        for (key, item) in members.sorted(by: { $0.key < $1.key }) {
            let cleanKey = TextNormalization.clean(key)
            if cleanKey.isEmpty || cleanKey.count > 64 {
                fail("\(path).\(key)", "invalid_key", "attribute names are 1 to 64 characters")
            } else if !item.isScalar {
                wrongType(item, at: "\(path).\(key)", expected: "a string, number, boolean or null")
            } else if case .string(let text) = item {
                result[cleanKey] = .string(TextNormalization.clean(text))
            } else if item != .null {
                result[cleanKey] = item
            }
        }
        return result
    }

    mutating func consent(_ value: JSONValue?, at path: String) -> Consent {
        guard let value, value != .null else { return Consent() }
        guard let members = object(value, at: path, allowed: Consent.channels) else { return Consent() }
        return Consent(
            email: bool(members["email"], at: "\(path).email"),
            sms: bool(members["sms"], at: "\(path).sms"),
            phone: bool(members["phone"], at: "\(path).phone"),
            wechat: bool(members["wechat"], at: "\(path).wechat")
        )
    }

    mutating func externalIDs(_ value: JSONValue?, at path: String) -> [String: String] {
        guard let value, value != .null else { return [:] }
        guard let members = value.objectValue else {
            wrongType(value, at: path, expected: "an object of source names to IDs")
            return [:]
        }
        var result: [String: String] = [:]
        for (key, item) in members.sorted(by: { $0.key < $1.key }) {
            let source = TextNormalization.clean(key).lowercased()
            if source.isEmpty || source.count > 64 {
                fail("\(path).\(key)", "invalid_key", "source names are 1 to 64 characters")
            } else if let id = text(item, at: "\(path).\(key)", max: 128) {
                result[source] = id
            }
        }
        return result
    }

    mutating func rejectDuplicates(_ values: [String], at path: String, item: String) {
        var seen = Set<String>()
        for (index, value) in values.enumerated() where !seen.insert(value).inserted {
            fail("\(path)[\(index)].\(item)", "duplicate_value", "\(value) is listed twice")
        }
    }
}

private protocol PrimaryFlagged {
    var primary: Bool { get set }
}

extension EmailEntry: PrimaryFlagged {}
extension PhoneEntry: PrimaryFlagged {}

extension Array where Element: PrimaryFlagged {
    /// Exactly one primary entry in a non-empty list: the first flagged one, or the first entry when none is.
    fileprivate func withOnePrimary() -> [Element] {
        let primaryIndex = firstIndex(where: \.primary) ?? startIndex
        return enumerated().map { index, entry in
            var entry = entry
            entry.primary = index == primaryIndex
            return entry
        }
    }
}
