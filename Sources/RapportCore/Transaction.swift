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
}

/// Validates transaction documents: every problem reported with its field, money checked to the minor unit.
public struct TransactionParser: Sendable {
    /// The one currency this deployment keeps money in.
    public let baseCurrency: String

    static let keys = ["customer_id", "external_id", "kind", "occurred_at", "currency", "lines", "amount_minor",
                       "channel", "refund_of"]
    static let lineKeys = ["sku", "name", "category", "quantity", "unit_price_minor"]
    static let maxLines = 500
    /// Whole numbers beyond this are not exact in a JSON number read as a double.
    static let maxExactInteger = Double(1 << 53)

    /// Creates a parser for a base currency such as `CNY`.
    public init(baseCurrency: String) {
        self.baseCurrency = baseCurrency.uppercased()
    }

    /// Validates a transaction document.
    /// - Throws: `ValidationError` listing every problem.
    public func parse(_ document: JSONValue) throws(ValidationError) -> TransactionInput {
        var errors: [FieldError] = []
        func fail(_ field: String, _ code: String, _ message: String) {
            errors.append(FieldError(field: field, code: code, message: message))
        }
        guard let members = document.objectValue else {
            throw ValidationError(field: "", code: "wrong_type", message: "expected a JSON object")
        }
        for key in members.keys.sorted() where !Self.keys.contains(key) {
            fail(key, "unknown_field", "unknown field; expected one of: \(Self.keys.joined(separator: ", "))")
        }
        func text(_ key: String, in object: [String: JSONValue], at path: String, required: Bool, max: Int) -> String? {
            switch object[key] {
            case nil, .null?:
                if required { fail(path, "required", "\(key) is required") }
                return nil
            case .string(let raw)?:
                let cleaned = TextNormalization.clean(raw)
                if cleaned.isEmpty {
                    if required { fail(path, "required", "\(key) cannot be empty") }
                    return nil
                }
                if cleaned.count > max {
                    fail(path, "too_long", "at most \(max) characters")
                    return nil
                }
                return cleaned
            case let other?:
                fail(path, "wrong_type", "expected a string, got \(other.typeName)")
                return nil
            }
        }
        func integer(_ key: String, in object: [String: JSONValue], at path: String, minimum: Int64) -> Int64? {
            switch object[key] {
            case nil, .null?:
                fail(path, "required", "\(key) is required")
                return nil
            case .number(let value)?:
                guard value.rounded() == value, abs(value) <= Self.maxExactInteger else {
                    fail(path, "not_an_integer", "expected a whole number (money is in minor units, such as fen)")
                    return nil
                }
                guard Int64(value) >= minimum else {
                    fail(path, minimum > 0 ? "must_be_positive" : "must_not_be_negative",
                         minimum > 0 ? "must be at least \(minimum)" : "must not be negative")
                    return nil
                }
                return Int64(value)
            case let other?:
                fail(path, "wrong_type", "expected a number, got \(other.typeName)")
                return nil
            }
        }
        func uuid(_ key: String, required: Bool) -> UUID? {
            guard let raw = text(key, in: members, at: key, required: required, max: 36) else { return nil }
            guard let id = UUIDText.parse(raw) else {
                fail(key, "invalid_id", "expected a UUID")
                return nil
            }
            return id
        }

        let customerID = uuid("customer_id", required: true)
        let externalID = text("external_id", in: members, at: "external_id", required: false, max: 128)
        var kind: TransactionKind?
        if let raw = text("kind", in: members, at: "kind", required: true, max: 16) {
            kind = TransactionKind(rawValue: raw.lowercased())
            if kind == nil { fail("kind", "invalid_value", "expected purchase or refund") }
        }
        var occurredAt: Date?
        if let raw = text("occurred_at", in: members, at: "occurred_at", required: true, max: 64) {
            occurredAt = RFC3339.parse(raw)
            if occurredAt == nil { fail("occurred_at", "invalid_time", "expected an RFC 3339 time such as 2026-01-31T09:00:00+08:00") }
        }
        var currency: String?
        if let raw = text("currency", in: members, at: "currency", required: true, max: 8) {
            let code = raw.uppercased()
            if code != baseCurrency {
                fail("currency", "currency_not_supported",
                     "this deployment keeps money in \(baseCurrency); convert amounts to \(baseCurrency) before sending")
            } else {
                currency = code
            }
        }
        var lines: [TransactionLine] = []
        switch members["lines"] {
        case nil, .null?:
            break
        case .array(let items)? where items.count > Self.maxLines:
            fail("lines", "too_many", "at most \(Self.maxLines) lines")
        case .array(let items)?:
            for (index, item) in items.enumerated() {
                let path = "lines[\(index)]"
                guard let line = item.objectValue else {
                    fail(path, "wrong_type", "expected an object, got \(item.typeName)")
                    continue
                }
                for key in line.keys.sorted() where !Self.lineKeys.contains(key) {
                    fail("\(path).\(key)", "unknown_field",
                         "unknown field; expected one of: \(Self.lineKeys.joined(separator: ", "))")
                }
                let sku = text("sku", in: line, at: "\(path).sku", required: true, max: 64)
                let name = text("name", in: line, at: "\(path).name", required: true, max: 200)
                let category = text("category", in: line, at: "\(path).category", required: false, max: 64)
                let quantity = integer("quantity", in: line, at: "\(path).quantity", minimum: 1)
                let price = integer("unit_price_minor", in: line, at: "\(path).unit_price_minor", minimum: 0)
                if let sku, let name, let quantity, let price {
                    lines.append(TransactionLine(sku: sku, name: name, category: category, quantity: quantity,
                                                 unitPriceMinor: price))
                }
            }
        case let other?:
            fail("lines", "wrong_type", "expected an array, got \(other.typeName)")
        }
        let amount = integer("amount_minor", in: members, at: "amount_minor", minimum: 1)
        if let amount, !lines.isEmpty, errors.allSatisfy({ !$0.field.hasPrefix("lines") }) {
            switch Self.sum(of: lines) {
            case let total? where total != amount:
                fail("amount_minor", "amount_mismatch",
                     "amount_minor \(amount) does not equal the sum of the lines, \(total)")
            case nil:
                fail("lines", "too_large", "the lines add up to more than can be stored")
            default:
                break
            }
        }
        let channel = text("channel", in: members, at: "channel", required: false, max: 32)?.lowercased()
        let refundOf = uuid("refund_of", required: false)
        if kind == .purchase, refundOf != nil {
            fail("refund_of", "not_allowed", "refund_of is only for refunds")
        }

        guard errors.isEmpty, let customerID, let kind, let occurredAt, let currency, let amount else {
            throw ValidationError(errors)
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
