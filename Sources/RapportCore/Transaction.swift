import Foundation

/// Whether a transaction 交易 is a sale or money going back.
public enum TransactionKind: String, Codable, CaseIterable, Sendable {
    case purchase
    case refund
}

/// One line of a transaction: a product, how many, at what unit price.
public struct TransactionLine: Equatable, Sendable, Codable {
    public var sku: String
    public var name: String
    public var category: String?
    /// Whole units, at least 1.
    public var quantity: Int64
    /// Price of one unit in minor units of the base currency (fen for CNY).
    public var unitPriceMinor: Int64

    enum CodingKeys: String, CodingKey {
        case sku, name, category, quantity
        case unitPriceMinor = "unit_price_minor"
    }

    /// Creates a line.
    public init(sku: String, name: String, category: String? = nil, quantity: Int64, unitPriceMinor: Int64) {
        self.sku = sku
        self.name = name
        self.category = category
        self.quantity = quantity
        self.unitPriceMinor = unitPriceMinor
    }
}

/// A validated transaction as a client sent it, before the store checks what depends on stored data (the customer
/// exists, the refunded purchase exists and is not exceeded, the external ID is new).
public struct TransactionInput: Equatable, Sendable {
    public var customerID: UUID
    /// The ID in the source system; re-sending the same one never duplicates the transaction.
    public var externalID: String?
    public var kind: TransactionKind
    public var occurredAt: Date
    /// ISO 4217 code, always the deployment's base currency.
    public var currency: String
    public var lines: [TransactionLine]
    /// The total in minor units, positive for refunds too (the kind gives the direction); equals the lines' sum
    /// when there are lines.
    public var amountMinor: Int64
    public var channel: String?
    /// For refunds: the purchase this refunds.
    public var refundOf: UUID?

    /// Creates an input.
    public init(
        customerID: UUID, externalID: String? = nil, kind: TransactionKind, occurredAt: Date, currency: String,
        lines: [TransactionLine] = [], amountMinor: Int64, channel: String? = nil, refundOf: UUID? = nil
    ) {
        self.customerID = customerID
        self.externalID = externalID
        self.kind = kind
        self.occurredAt = occurredAt
        self.currency = currency
        self.lines = lines
        self.amountMinor = amountMinor
        self.channel = channel
        self.refundOf = refundOf
    }
}

/// Validates transaction documents: every problem reported with its field, money checked to the minor unit.
public struct TransactionParser: Sendable {
    /// The one currency this deployment keeps money in.
    public let baseCurrency: String

    static let keys = ["customer_id", "external_id", "kind", "occurred_at", "currency", "lines", "amount_minor",
                       "channel", "refund_of"]
    static let lineKeys = ["sku", "name", "category", "quantity", "unit_price_minor"]
    static let maxLines = 500

    /// Creates a parser for a base currency such as `CNY`.
    public init(baseCurrency: String) {
        self.baseCurrency = baseCurrency.uppercased()
    }

    /// Validates a transaction document.
    /// - Throws: `ValidationError` listing every problem.
    public func parse(_ document: JSONValue) throws(ValidationError) -> TransactionInput {
        var reader = DocumentReader()
        let members = try reader.topLevel(document, allowed: Self.keys)
        let customerID = reader.requiredUUID(members["customer_id"], at: "customer_id")
        let externalID = reader.text(members["external_id"], at: "external_id", max: 128)
        let kindText = reader.requiredText(members["kind"], at: "kind", max: 16)
        let kind = kindText.flatMap { TransactionKind(rawValue: $0.lowercased()) }
        if kindText != nil, kind == nil { reader.fail("kind", "invalid_value", "expected purchase or refund") }
        let occurredAt = reader.time(members["occurred_at"], at: "occurred_at")
        var currency: String?
        if let code = reader.requiredText(members["currency"], at: "currency", max: 8)?.uppercased() {
            if code == baseCurrency {
                currency = code
            } else {
                reader.fail("currency", "currency_not_supported",
                            "this deployment keeps money in \(baseCurrency); convert amounts to \(baseCurrency) before sending")
            }
        }
        let errorsBeforeLines = reader.errors.count
        let lines = reader.list(members["lines"], at: "lines", maxCount: Self.maxLines) { reader, item, path -> TransactionLine? in
            guard let line = reader.object(item, at: path, allowed: Self.lineKeys) else { return nil }
            let sku = reader.requiredText(line["sku"], at: "\(path).sku", max: 64)
            let name = reader.requiredText(line["name"], at: "\(path).name", max: 200)
            let category = reader.text(line["category"], at: "\(path).category", max: 64)
            let quantity = reader.integer(line["quantity"], at: "\(path).quantity", minimum: 1)
            let price = reader.integer(line["unit_price_minor"], at: "\(path).unit_price_minor", minimum: 0)
            guard let sku, let name, let quantity, let price else { return nil }
            return TransactionLine(sku: sku, name: name, category: category, quantity: quantity, unitPriceMinor: price)
        }
        let amount = reader.integer(members["amount_minor"], at: "amount_minor", minimum: 1)
        if let amount, !lines.isEmpty, reader.errors.count == errorsBeforeLines {
            switch Self.sum(of: lines) {
            case let total? where total != amount:
                reader.fail("amount_minor", "amount_mismatch",
                            "amount_minor \(amount) does not equal the sum of the lines, \(total)")
            case nil:
                reader.fail("lines", "too_large", "the lines add up to more than can be stored")
            default:
                break
            }
        }
        let channel = reader.text(members["channel"], at: "channel", max: 32)?.lowercased()
        let refundOf = reader.uuid(members["refund_of"], at: "refund_of")
        if kind == .purchase, refundOf != nil {
            reader.fail("refund_of", "not_allowed", "refund_of is only for refunds")
        }
        guard reader.errors.isEmpty, let customerID, let kind, let occurredAt, let currency, let amount else {
            throw ValidationError(reader.errors)
        }
        return TransactionInput(
            customerID: customerID, externalID: externalID, kind: kind, occurredAt: occurredAt, currency: currency,
            lines: lines, amountMinor: amount, channel: channel, refundOf: refundOf)
    }

    /// The lines' total in minor units; nil when it overflows.
    static func sum(of lines: [TransactionLine]) -> Int64? {
        var total: Int64 = 0
        for line in lines {
            let (product, productOverflow) = line.quantity.multipliedReportingOverflow(by: line.unitPriceMinor)
            let (sum, sumOverflow) = total.addingReportingOverflow(product)
            if productOverflow || sumOverflow { return nil }
            total = sum
        }
        return total
    }
}

/// A transaction as stored: the validated input plus what the store adds.
public struct Transaction: Equatable, Sendable {
    public let id: UUID
    public let customerID: UUID
    public let externalID: String?
    public let kind: TransactionKind
    public let occurredAt: Date
    /// When Rapport recorded it.
    public let recordedAt: Date
    public let currency: String
    public let lines: [TransactionLine]
    /// Positive for refunds too; `kind` gives the direction.
    public let amountMinor: Int64
    /// For purchases: how much of it has been refunded so far.
    public let refundedMinor: Int64
    public let channel: String?
    public let refundOf: UUID?

    /// Creates a stored transaction.
    public init(
        id: UUID, customerID: UUID, externalID: String?, kind: TransactionKind, occurredAt: Date, recordedAt: Date,
        currency: String, lines: [TransactionLine], amountMinor: Int64, refundedMinor: Int64, channel: String?,
        refundOf: UUID?
    ) {
        self.id = id
        self.customerID = customerID
        self.externalID = externalID
        self.kind = kind
        self.occurredAt = occurredAt
        self.recordedAt = recordedAt
        self.currency = currency
        self.lines = lines
        self.amountMinor = amountMinor
        self.refundedMinor = refundedMinor
        self.channel = channel
        self.refundOf = refundOf
    }

    /// Stores an input under an ID.
    public init(_ input: TransactionInput, id: UUID, recordedAt: Date) {
        self.init(
            id: id, customerID: input.customerID, externalID: input.externalID, kind: input.kind,
            occurredAt: input.occurredAt, recordedAt: recordedAt, currency: input.currency, lines: input.lines,
            amountMinor: input.amountMinor, refundedMinor: 0, channel: input.channel, refundOf: input.refundOf)
    }

    /// The same transaction with another refunded amount.
    public func withRefunded(_ amount: Int64) -> Transaction {
        Transaction(
            id: id, customerID: customerID, externalID: externalID, kind: kind, occurredAt: occurredAt,
            recordedAt: recordedAt, currency: currency, lines: lines, amountMinor: amountMinor, refundedMinor: amount,
            channel: channel, refundOf: refundOf)
    }

    /// Whether this is a purchase that refunds have not wholly cancelled: only those count as orders and purchase
    /// days.
    public var isStandingPurchase: Bool {
        kind == .purchase && refundedMinor < amountMinor
    }

    /// The transaction as the API shows it and as its `transaction` event records it. `refunded_minor` is left out
    /// of the event: it is what later refunds changed, not what happened then.
    public func json(includingRefunded: Bool = true) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(UUIDText.format(id)),
            "customer_id": .string(UUIDText.format(customerID)),
            "external_id": externalID.map(JSONValue.string) ?? .null,
            "kind": .string(kind.rawValue),
            "occurred_at": .string(RFC3339.format(occurredAt)),
            "recorded_at": .string(RFC3339.format(recordedAt)),
            "currency": .string(currency),
            "lines": .array(lines.map(\.json)),
            "amount_minor": .number(Double(amountMinor)),
            "channel": channel.map(JSONValue.string) ?? .null,
            "refund_of": refundOf.map { .string(UUIDText.format($0)) } ?? .null,
        ]
        if includingRefunded { object["refunded_minor"] = .number(Double(refundedMinor)) }
        return .object(object)
    }
}

extension TransactionLine {
    /// The line as JSON, every key present.
    public var json: JSONValue {
        .object([
            "sku": .string(sku), "name": .string(name), "category": category.map(JSONValue.string) ?? .null,
            "quantity": .number(Double(quantity)), "unit_price_minor": .number(Double(unitPriceMinor)),
        ])
    }
}
