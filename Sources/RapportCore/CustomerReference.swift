import Foundation

/// How a row of a transaction or interaction file names its customer: Rapport's ID for it, its ID in the import's
/// source system, its number (`C-000123`), or its e-mail addresses and phone numbers, normalised as a customer's
/// are (`EmailAddress.normalize`, E.164). The store finds the customer (`CustomerResolver`).
///
/// The first of these that the row gives decides, in that order: ID, external ID, number, contact points; the
/// others are checked but not consulted. An external ID that no customer holds and that reads as a customer number
/// is taken as that number, so a `客户编号` column may hold either.
public struct CustomerReference: Hashable, Sendable {
    /// Rapport's ID of the customer (an export's `customer_id`).
    public var id: UUID?
    /// The customer's ID in the import's source system.
    public var externalID: String?
    /// The customer's number.
    public var number: CustomerNumber?
    /// Normalised e-mail addresses.
    public var emails: [String]
    /// E.164 phone numbers.
    public var phones: [String]

    /// Creates a reference.
    public init(id: UUID? = nil, externalID: String? = nil, number: CustomerNumber? = nil, emails: [String] = [],
                phones: [String] = []) {
        self.id = id
        self.externalID = externalID
        self.number = number
        self.emails = emails
        self.phones = phones
    }

    /// The keys of an import document that name the customer. `customer_id` is Rapport's ID when it is a UUID and
    /// the external ID otherwise; `customer_email` and `customer_phone` are a string or an array of strings.
    public static let keys = ["customer_id", "customer_external_id", "customer_number", "customer_email",
                              "customer_phone"]

    /// Takes the reference keys out of a document's members.
    /// - Returns: The reference, or nil with the problems appended to `errors` (a missing reference is one).
    static func take(from members: inout [String: JSONValue], defaultPhoneRegion: String,
                     errors: inout [FieldError]) -> CustomerReference?
    {
        let given = keys.filter { members[$0] != nil && members[$0] != .null }
        var reader = DocumentReader()
        var reference = CustomerReference()
        if let value = members.removeValue(forKey: "customer_id"), let text = Self.text(value, at: "customer_id",
                                                                                        reader: &reader) {
            if let id = UUIDText.parse(text) { reference.id = id } else { reference.externalID = text }
        }
        if let value = members.removeValue(forKey: "customer_external_id"),
           let text = Self.text(value, at: "customer_external_id", reader: &reader)
        {
            if let other = reference.externalID, other != text {
                reader.fail("customer_external_id", "conflict",
                            "customer_id and customer_external_id name different customers")
            }
            reference.externalID = text
        }
        if let value = members.removeValue(forKey: "customer_number"),
           let text = Self.text(value, at: "customer_number", reader: &reader)
        {
            if let number = CustomerNumber(parsing: text) {
                reference.number = number
            } else {
                reader.fail("customer_number", "invalid_number", "'\(text)' is not a customer number such as C-000123")
            }
        }
        for (index, item) in Self.items(members.removeValue(forKey: "customer_email"), at: "customer_email",
                                        reader: &reader).enumerated() {
            do {
                let address = try EmailAddress.normalize(item)
                if !reference.emails.contains(address) { reference.emails.append(address) }
            } catch {
                reader.fail(index == 0 ? "customer_email" : "customer_email[\(index)]", error.code, error.message)
            }
        }
        for (index, item) in Self.items(members.removeValue(forKey: "customer_phone"), at: "customer_phone",
                                        reader: &reader).enumerated() {
            do {
                let number = try PhoneNumber(parsing: item, defaultRegion: defaultPhoneRegion).e164
                if !reference.phones.contains(number) { reference.phones.append(number) }
            } catch {
                reader.fail(index == 0 ? "customer_phone" : "customer_phone[\(index)]", error.code, error.message)
            }
        }
        if given.isEmpty {
            reader.fail("customer", "required", "name the customer: its ID or external ID (customer_id), number "
                            + "(customer_number), phone (customer_phone) or e-mail (customer_email)")
        }
        errors += reader.errors
        return reader.errors.isEmpty ? reference : nil
    }

    private static func text(_ value: JSONValue, at path: String, reader: inout DocumentReader) -> String? {
        if case .number(let number) = value, number.rounded() == number, abs(number) < 1e15 {
            return String(Int64(number))
        }
        return reader.text(value, at: path, max: 128)
    }

    private static func items(_ value: JSONValue?, at path: String, reader: inout DocumentReader) -> [String] {
        guard let value, value != .null else { return [] }
        if let items = value.arrayValue {
            return items.enumerated().compactMap { index, item in reader.text(item, at: "\(path)[\(index)]") }
        }
        return reader.text(value, at: path).map { [$0] } ?? []
    }

    /// The reference as JSON, every key present: for fingerprints.
    public var json: JSONValue {
        .object([
            "id": id.map { .string(UUIDText.format($0)) } ?? .null,
            "external_id": externalID.map(JSONValue.string) ?? .null,
            "number": number.map { .string($0.description) } ?? .null,
            "emails": .array(emails.map(JSONValue.string)),
            "phones": .array(phones.map(JSONValue.string)),
        ])
    }
}

/// Tells identical records of one file apart: the first record with a fingerprint is occurrence 1, the next
/// identical one 2, and so on. Records without an ID of their own (an interaction, a transaction without an order
/// number) get a stable identity from their content and occurrence, so the same file imported again — or resumed
/// after being killed — names each of them the same way, and two identical calls on one day stay two.
///
/// Only a 64-bit hash of each fingerprint is kept, so a million rows take a few tens of megabytes; two different
/// fingerprints that share a hash number each other's occurrences, which still keeps their identities apart.
public struct ImportOccurrences: Sendable {
    private var seen: [UInt64: Int] = [:]

    /// An empty count.
    public init() {}

    /// Counts one more record with this fingerprint and returns its occurrence, from 1.
    public mutating func next(_ fingerprint: String) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in fingerprint.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let occurrence = (seen[hash] ?? 0) + 1
        seen[hash] = occurrence
        return occurrence
    }
}
