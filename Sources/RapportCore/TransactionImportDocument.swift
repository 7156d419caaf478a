import Foundation

/// A transaction read from an import file and checked: the customer the file names, the transaction as
/// `TransactionParser` validated it, and what only the store can resolve.
public struct TransactionImport: Equatable, Sendable {
    /// The customer the row names; the store finds it.
    public var customer: CustomerReference
    /// The validated transaction. Its `customerID` is `TransactionImport.unresolved` until the store finds the
    /// customer; `externalID` is the order number, nil when the file gives none (the store derives one).
    public var input: TransactionInput
    /// The order number of the purchase a refund refunds, when the file names it so rather than by its ID.
    public var refundOfOrder: String?

    /// The customer ID a transaction carries until the store resolves its customer.
    public static let unresolved = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    /// Creates a transaction read from a file.
    public init(customer: CustomerReference, input: TransactionInput, refundOfOrder: String? = nil) {
        self.customer = customer
        self.input = input
        self.refundOfOrder = refundOfOrder
    }

    /// The transaction as the file gives it, canonical, customer reference included: identical rows have
    /// identical fingerprints (see `ImportOccurrences`).
    public var fingerprint: String {
        JSONValue.object(["customer": customer.json, "transaction": content(customerID: Self.unresolved)])
            .encodedText()
    }

    /// What the transaction is, for a customer: everything but its order number (and the IDs and times the store
    /// adds). A transaction without an order number is known by this and its occurrence in the file.
    public func content(customerID: UUID) -> JSONValue {
        var stored = input
        stored.customerID = customerID
        stored.externalID = nil
        var object = Transaction(stored, id: Self.unresolved, recordedAt: Date(timeIntervalSince1970: 0))
            .json(includingRefunded: false).objectValue ?? [:]
        for key in ["id", "recorded_at", "external_id"] { object[key] = nil }
        object["refund_of_order"] = refundOfOrder.map(JSONValue.string) ?? .null
        return .object(object)
    }
}

/// Reads a transaction document of an import — what `POST /api/v1/transactions` takes, with the customer named by
/// the keys of `CustomerReference` instead of (or as well as) `customer_id` — through the API's `TransactionParser`,
/// so an imported transaction passes exactly the checks of one recorded through the API.
///
/// `refund_of` may be the purchase's ID or its order number. `external_id` may be a whole number. The members the
/// server sets (`id`, `recorded_at`, `refunded_minor`) are accepted and ignored, so an export imports back.
public struct TransactionImportDocument: Sendable {
    /// The API's parser, for the deployment's base currency.
    public let parser: TransactionParser
    /// The region of phone numbers without a country code.
    public let defaultPhoneRegion: String

    /// Members of an exported transaction that an import cannot set.
    public static let ignoredKeys: Set<String> = ["id", "recorded_at", "refunded_minor"]

    /// A reader for a deployment keeping money in `baseCurrency`.
    public init(baseCurrency: String, defaultPhoneRegion: String) {
        parser = TransactionParser(baseCurrency: baseCurrency)
        self.defaultPhoneRegion = defaultPhoneRegion
    }

    /// The transaction a document describes.
    /// - Throws: `ValidationError` listing every problem under the path of its member.
    public func parse(_ document: JSONValue) throws(ValidationError) -> TransactionImport {
        guard var members = document.objectValue else {
            throw ValidationError(field: "", code: "wrong_type", message: "expected a JSON object")
        }
        for key in Self.ignoredKeys { members[key] = nil }
        var errors: [FieldError] = []
        let customer = CustomerReference.take(from: &members, defaultPhoneRegion: defaultPhoneRegion, errors: &errors)
        members["customer_id"] = .string(UUIDText.format(TransactionImport.unresolved))
        if case .number(let number)? = members["external_id"], number.rounded() == number, abs(number) < 1e15 {
            members["external_id"] = .string(String(Int64(number)))
        }
        var refundOfOrder: String?
        switch members["refund_of"] {
        case .string(let text)? where UUIDText.parse(text) == nil:
            refundOfOrder = TextNormalization.clean(text)
        case .number(let number)? where number.rounded() == number && abs(number) < 1e15:
            refundOfOrder = String(Int64(number))
        default:
            break
        }
        if let order = refundOfOrder {
            if order.isEmpty || order.count > 128 {
                errors.append(FieldError(field: "refund_of", code: "invalid",
                                         message: "expected the refunded purchase's ID or order number (1 to 128 "
                                             + "characters)"))
            }
            members["refund_of"] = .string(UUIDText.format(TransactionImport.unresolved))
        }
        var input: TransactionInput
        do {
            input = try parser.parse(.object(members))
        } catch {
            throw ValidationError(errors + error.errors.filter { $0.field != "customer_id" })
        }
        guard errors.isEmpty, let customer else { throw ValidationError(errors) }
        if refundOfOrder != nil { input.refundOf = nil }
        return TransactionImport(customer: customer, input: input, refundOfOrder: refundOfOrder)
    }
}
