import Foundation

/// An interaction read from an import file and checked: the customer the file names, the interaction as
/// `InteractionParser` validated it, and what identifies it across imports.
public struct InteractionImport: Equatable, Sendable {
    /// The customer the row names; the store finds it.
    public var customer: CustomerReference
    /// The validated interaction; its `customerID` is `TransactionImport.unresolved` until the store finds the
    /// customer.
    public var input: InteractionInput
    /// Rapport's ID of the interaction, when the file gives one (an export's `id`).
    public var id: UUID?
    /// Its ID in the import's source system, when the file gives one.
    public var externalID: String?

    /// Creates an interaction read from a file.
    public init(customer: CustomerReference, input: InteractionInput, id: UUID? = nil, externalID: String? = nil) {
        self.customer = customer
        self.input = input
        self.id = id
        self.externalID = externalID
    }

    /// The interaction as the file gives it, canonical, customer reference included: identical rows have
    /// identical fingerprints (see `ImportOccurrences`).
    public var fingerprint: String {
        JSONValue.object(["customer": customer.json, "interaction": content(customerID: TransactionImport.unresolved)])
            .encodedText()
    }

    /// What the interaction is, for a customer, without the IDs and times the store adds. An interaction without an
    /// ID of its own is known by this and its occurrence in the file.
    public func content(customerID: UUID) -> JSONValue {
        var stored = input
        stored.customerID = customerID
        var object = Interaction(id: TransactionImport.unresolved, input: stored,
                                 recordedAt: Date(timeIntervalSince1970: 0)).json.objectValue ?? [:]
        for key in ["id", "recorded_at"] { object[key] = nil }
        return .object(object)
    }
}

/// Reads an interaction document of an import — what `POST /api/v1/interactions` takes, with the customer named by
/// the keys of `CustomerReference` — through the API's `InteractionParser`. Two more members say which interaction it
/// is: `id`, Rapport's ID (a UUID, as an export writes it; any other value is taken as `external_id`), and
/// `external_id`, its ID in the import's source system. `recorded_at` is accepted and ignored.
public struct InteractionImportDocument: Sendable {
    /// The region of phone numbers without a country code.
    public let defaultPhoneRegion: String
    let parser = InteractionParser()

    /// A reader of phone numbers without a country code in `defaultPhoneRegion`.
    public init(defaultPhoneRegion: String) {
        self.defaultPhoneRegion = defaultPhoneRegion
    }

    /// The interaction a document describes.
    /// - Throws: `ValidationError` listing every problem under the path of its member.
    public func parse(_ document: JSONValue) throws(ValidationError) -> InteractionImport {
        guard var members = document.objectValue else {
            throw ValidationError(field: "", code: "wrong_type", message: "expected a JSON object")
        }
        members["recorded_at"] = nil
        var errors: [FieldError] = []
        var reader = DocumentReader()
        var id: UUID?
        var externalID: String?
        for key in ["id", "external_id"] {
            guard let value = members.removeValue(forKey: key), value != .null else { continue }
            var text: String?
            if case .number(let number) = value, number.rounded() == number, abs(number) < 1e15 {
                text = String(Int64(number))
            } else {
                text = reader.text(value, at: key, max: 128)
            }
            guard let text else { continue }
            if key == "id", let uuid = UUIDText.parse(text) {
                id = uuid
            } else if let other = externalID, other != text {
                reader.fail("external_id", "conflict", "id and external_id give different IDs")
            } else {
                externalID = text
            }
        }
        errors += reader.errors
        let customer = CustomerReference.take(from: &members, defaultPhoneRegion: defaultPhoneRegion, errors: &errors)
        members["customer_id"] = .string(UUIDText.format(TransactionImport.unresolved))
        let input: InteractionInput
        do {
            input = try parser.parse(.object(members))
        } catch {
            throw ValidationError(errors + error.errors.filter { $0.field != "customer_id" })
        }
        guard errors.isEmpty, let customer else { throw ValidationError(errors) }
        return InteractionImport(customer: customer, input: input, id: id, externalID: externalID)
    }
}
