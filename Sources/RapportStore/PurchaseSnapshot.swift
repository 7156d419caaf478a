import FluentKit
import Foundation
import RapportCore
import SQLKit
import SQLiteNIO

/// Every customer's purchases in columns, as the analytics engine reads them: one streaming pass over the purchases
/// that are not wholly refunded, each at its net amount (partial refunds deducted), with the SKUs of its lines for the
/// co-purchase baskets. Refunds not tied to a purchase are left out: they lower no particular day's spending.
public struct PurchaseSnapshot: Sendable {
    /// Customer index → number and ID; every customer, in number order, with or without purchases.
    public internal(set) var numbers: [Int64] = []
    public internal(set) var ids: [UUID] = []
    /// One row per purchase: customer index, day number, net amount in minor units.
    public internal(set) var customer: [Int32] = []
    public internal(set) var day: [Int32] = []
    public internal(set) var amountMinor: [Int64] = []
    /// Purchase `i`'s products are `products[productOffsets[i] ..< productOffsets[i + 1]]`, indices into `skus`.
    public internal(set) var productOffsets: [Int] = [0]
    public internal(set) var products: [Int32] = []
    public internal(set) var skus: [String] = []

    /// Reads the snapshot.
    public static func read(from store: RapportDatabase) async throws -> PurchaseSnapshot {
        let builder = Builder()
        let sql = store.database as! any SQLDatabase
        let customers = "SELECT number, customer_id FROM customer_stats ORDER BY number"
        let purchases = """
            SELECT s.number AS number, t.occurred_at AS occurred_at, t.amount_minor - t.refunded_minor AS net, \
            t.lines AS lines FROM transactions t JOIN customer_stats s ON s.customer_id = t.customer_id \
            WHERE t.kind = 'purchase' AND t.amount_minor > t.refunded_minor
            """
        if let readers = store.readers {
            // Straight from sqlite-nio, streamed: decoding millions of rows through SQLKit costs more than the model.
            let connection = try await readers.connection(on: store.database.eventLoop).get()
            try await connection.query(customers, []) { row in
                guard case .integer(let number)? = row.column("number"),
                    case .text(let id)? = row.column("customer_id"), let uuid = UUIDText.parse(id)
                else { return builder.fail("a customer_stats row is malformed") }
                builder.addCustomer(number: Int64(number), id: uuid)
            }
            try await connection.query(purchases, []) { row in
                guard case .integer(let number)? = row.column("number"),
                    let occurredAt = row.column("occurred_at").flatMap(Date.init(sqliteData:)),
                    case .integer(let net)? = row.column("net"), case .text(let lines)? = row.column("lines")
                else { return builder.fail("a transactions row is malformed") }
                builder.addPurchase(number: Int64(number), at: occurredAt, netMinor: Int64(net), lines: lines)
            }
        } else {
            try await sql.raw(SQLQueryString(customers)).run { row in
                guard let number = try? row.decode(column: "number", as: Int64.self),
                    let id = try? row.decode(column: "customer_id", as: UUID.self)
                else { return builder.fail("a customer_stats row is malformed") }
                builder.addCustomer(number: number, id: id)
            }
            try await sql.raw(SQLQueryString(purchases)).run { row in
                guard let number = try? row.decode(column: "number", as: Int64.self),
                    let occurredAt = try? row.decode(column: "occurred_at", as: Date.self),
                    let net = try? row.decode(column: "net", as: Int64.self),
                    let lines = try? row.decode(column: "lines", as: String.self)
                else { return builder.fail("a transactions row is malformed") }
                builder.addPurchase(number: number, at: occurredAt, netMinor: net, lines: lines)
            }
        }
        return try builder.finish()
    }

    /// The SKUs in a transaction's `lines` JSON, found by scanning for the `"sku"` key rather than decoding: the
    /// lines are written by Rapport (`TransactionRows.linesText`), and decoding millions of them would dominate the
    /// snapshot. A key inside a string value has its quotes escaped, so it cannot be mistaken for one.
    static func skus(inLines text: String) -> [Substring] {
        var text = text
        text.makeContiguousUTF8()
        let key = Array(#""sku":"#.utf8)
        let bounds: [Range<Int>] = text.utf8.withContiguousStorageIfAvailable { bytes in
            var found: [Range<Int>] = []
            var position = 0
            let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), space = UInt8(ascii: " ")
            while position + key.count <= bytes.count {
                guard bytes[position] == quote, zip(key, bytes[position...]).allSatisfy({ $0 == $1 }),
                    position == 0 || bytes[position - 1] != backslash
                else {
                    position += 1
                    continue
                }
                var cursor = position + key.count
                while cursor < bytes.count, bytes[cursor] == space { cursor += 1 }
                guard cursor < bytes.count, bytes[cursor] == quote else {
                    position = cursor
                    continue
                }
                let start = cursor + 1
                var end = start
                var escaped = false
                while end < bytes.count, bytes[end] != quote || escaped {
                    escaped = !escaped && bytes[end] == backslash
                    end += 1
                }
                guard end < bytes.count else { break }
                found.append(start..<end)
                position = end + 1
            }
            return found
        } ?? []
        let utf8 = text.utf8
        return bounds.map { range in
            Substring(utf8[utf8.index(utf8.startIndex, offsetBy: range.lowerBound)..<utf8.index(
                utf8.startIndex, offsetBy: range.upperBound)])
        }
    }

    /// Collects rows as the database streams them (one row at a time, on the database's thread).
    private final class Builder: @unchecked Sendable {
        var snapshot = PurchaseSnapshot()
        var indexOfNumber: [Int32] = []
        var skuIndex: [Substring: Int32] = [:]
        var failure: String?

        func fail(_ message: String) { failure = failure ?? message }

        func addCustomer(number: Int64, id: UUID) {
            let index = Int32(snapshot.numbers.count)
            snapshot.numbers.append(number)
            snapshot.ids.append(id)
            if number >= 0, number < 1 << 32 {
                if Int(number) >= indexOfNumber.count {
                    indexOfNumber.append(contentsOf: repeatElement(-1, count: Int(number) + 1 - indexOfNumber.count))
                }
                indexOfNumber[Int(number)] = index
            }
        }

        func addPurchase(number: Int64, at time: Date, netMinor: Int64, lines: String) {
            guard number >= 0, Int(number) < indexOfNumber.count, indexOfNumber[Int(number)] >= 0 else {
                return fail("a purchase belongs to a customer without a stats row")
            }
            snapshot.customer.append(indexOfNumber[Int(number)])
            snapshot.day.append(Int32(BusinessDay.number(of: time)))
            snapshot.amountMinor.append(netMinor)
            for sku in PurchaseSnapshot.skus(inLines: lines) {
                let index: Int32
                if let known = skuIndex[sku] {
                    index = known
                } else {
                    index = Int32(snapshot.skus.count)
                    skuIndex[sku] = index
                    snapshot.skus.append(String(sku))
                }
                snapshot.products.append(index)
            }
            snapshot.productOffsets.append(snapshot.products.count)
        }

        func finish() throws -> PurchaseSnapshot {
            if let failure { throw StoreError.corrupt(failure) }
            return snapshot
        }
    }
}
