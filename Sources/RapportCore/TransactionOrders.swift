import Foundation

/// Groups the rows of a transaction file into transactions, as order exports lay them out: consecutive rows with
/// the same order number are the lines of one order, each row one product; a row without an order number is a
/// transaction by itself. The rows of one order must agree on everything but the product (customer, kind, time,
/// currency, channel, refunded purchase); its amount is the sum of theirs. An order with a rejected row is rejected
/// whole, every row with the reasons.
///
/// Rows of one order that are not consecutive are two transactions with the same order number: the second is
/// reported as conflicting with the first (see `TransactionImporter`) unless the two are identical.
public struct TransactionOrders: Sendable {
    /// One row as read.
    public struct Row: Sendable {
        /// The line it starts on.
        public let line: Int
        /// Its text as the file has it.
        public let raw: String
        /// Its order number, if it has one, even when the rest of the row is wrong.
        public let order: String?
        /// The transaction it describes alone, or why it cannot be read.
        public let parsed: Result<TransactionImport, ValidationError>

        /// Creates a row.
        public init(line: Int, raw: String, order: String?, parsed: Result<TransactionImport, ValidationError>) {
            self.line = line
            self.raw = raw
            self.order = order
            self.parsed = parsed
        }
    }

    /// One transaction: the rows it was read from, and what they make together.
    public struct Order: Sendable {
        /// Each row's line and text.
        public let rows: [(line: Int, raw: String)]
        /// The transaction the rows make, or why they make none.
        public let parsed: Result<TransactionImport, ValidationError>
    }

    let reader: TransactionImportRow
    private var pending: [Row] = []

    /// Groups rows that `reader` reads.
    public init(reader: TransactionImportRow) {
        self.reader = reader
    }

    /// Takes the next row; returns the order it ends, if it starts another.
    public mutating func add(_ row: Row) -> Order? {
        if let first = pending.first, first.order != nil, first.order == row.order {
            pending.append(row)
            return nil
        }
        let finished = finish()
        pending = [row]
        return finished
    }

    /// The order the last rows make, at the end of the file.
    public mutating func finish() -> Order? {
        guard !pending.isEmpty else { return nil }
        defer { pending = [] }
        return Order(rows: pending.map { ($0.line, $0.raw) }, parsed: merge(pending))
    }

    /// The transaction rows of one order make.
    func merge(_ rows: [Row]) -> Result<TransactionImport, ValidationError> {
        guard rows.count > 1 else { return rows[0].parsed }
        var errors: [FieldError] = []
        var parts: [(line: Int, transaction: TransactionImport)] = []
        for row in rows {
            switch row.parsed {
            case .failure(let error):
                errors += error.renamingFields { "\($0) (line \(row.line))" }.errors
            case .success(let transaction):
                parts.append((row.line, transaction))
            }
        }
        guard errors.isEmpty, var merged = parts.first?.transaction else { return .failure(ValidationError(errors)) }
        let first = parts[0]
        let order = merged.input.externalID ?? ""
        for (line, part) in parts {
            let differing: [(TransactionColumn, Bool)] = [
                (.customerID, part.customer != first.transaction.customer),
                (.kind, part.input.kind != merged.input.kind),
                (.occurredAt, part.input.occurredAt != merged.input.occurredAt),
                (.currency, part.input.currency != merged.input.currency),
                (.channel, part.input.channel != merged.input.channel),
                (.refundOf, part.input.refundOf != merged.input.refundOf || part.refundOfOrder != merged.refundOfOrder),
            ]
            for (column, differs) in differing where differs {
                errors.append(FieldError(
                    field: reader.title(of: column) ?? column.rawValue, code: "order_mismatch",
                    message: "line \(line) gives another value than line \(first.line); the rows of order \(order) "
                        + "must agree on all but the product"))
            }
            if part.input.lines.isEmpty {
                errors.append(FieldError(
                    field: reader.title(of: .sku) ?? "sku", code: "required",
                    message: "order \(order) has several rows, so each needs its product (line \(line) has none)"))
            }
        }
        merged.input.lines = parts.flatMap(\.transaction.input.lines)
        var total: Int64 = 0
        for (_, part) in parts {
            let (sum, overflow) = total.addingReportingOverflow(part.input.amountMinor)
            if overflow { errors.append(FieldError(field: "lines", code: "too_large", message: "the lines add up to "
                                                       + "more than can be stored")) }
            total = sum
        }
        merged.input.amountMinor = total
        if merged.input.lines.count > TransactionParser.maxLines {
            errors.append(FieldError(field: "lines", code: "too_many",
                                     message: "order \(order) has more than \(TransactionParser.maxLines) lines"))
        }
        return errors.isEmpty ? .success(merged) : .failure(ValidationError(errors))
    }
}
