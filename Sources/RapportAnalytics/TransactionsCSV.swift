import Foundation
import RapportCore

/// A plain transactions CSV, an analyst's input: a header naming `customer_id`, `date` (YYYY-MM-DD, anything after
/// the tenth character ignored) and `amount` (negative for refunds) in any order among other columns; UTF-8, fields
/// optionally in double quotes.
public struct TransactionsCSV: Sendable {
    /// Customer IDs in the order first seen; a customer's index in the columns is its position here.
    public let customerIDs: [String]
    public let columns: PurchaseColumns
    /// The last day in the file, the default as-of day.
    public let lastDay: Int

    /// Reads a whole file.
    /// - Throws: `AnalyticsError.invalidInput` naming the line and the field that cannot be read.
    public static func read(_ data: Data) throws(AnalyticsError) -> TransactionsCSV {
        var ids: [String] = []
        var index: [Substring: Int] = [:]
        var rows: [(customer: Int, day: Int32, amount: Double)] = []
        rows.reserveCapacity(data.count / 24)
        var lastDay = Int.min
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .makeIterator()
        guard let header = lines.next() else { throw .invalidInput("the file is empty") }
        let names = fields(of: header).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        func column(_ name: String) throws(AnalyticsError) -> Int {
            guard let position = names.firstIndex(of: name) else {
                throw .invalidInput("line 1: no \(name) column; the header must name customer_id, date and amount")
            }
            return position
        }
        let (idColumn, dateColumn, amountColumn) = (try column("customer_id"), try column("date"),
                                                    try column("amount"))
        var lineNumber = 1
        while let line = lines.next() {
            lineNumber += 1
            if line.isEmpty { continue }
            let values = fields(of: line)
            guard values.count > max(idColumn, dateColumn, amountColumn) else {
                throw .invalidInput("line \(lineNumber): expected \(names.count) fields, found \(values.count)")
            }
            let id = values[idColumn]
            guard !id.isEmpty else { throw .invalidInput("line \(lineNumber): customer_id is empty") }
            guard let day = Self.day(values[dateColumn]) else {
                throw .invalidInput("line \(lineNumber): date '\(values[dateColumn])' is not a YYYY-MM-DD date")
            }
            guard let amount = Double(values[amountColumn].trimmingCharacters(in: .whitespaces)), amount.isFinite
            else { throw .invalidInput("line \(lineNumber): amount '\(values[amountColumn])' is not a number") }
            let customer: Int
            if let known = index[id] {
                customer = known
            } else {
                customer = ids.count
                index[id] = customer
                ids.append(String(id))
            }
            rows.append((customer, Int32(day), amount))
            lastDay = max(lastDay, day)
        }
        guard !rows.isEmpty else { throw .invalidInput("the file has no transactions") }
        var columns = PurchaseColumns(customerCount: ids.count, reservingCapacity: rows.count)
        for row in rows { columns.append(customer: row.customer, day: Int(row.day), amount: row.amount) }
        return TransactionsCSV(customerIDs: ids, columns: columns, lastDay: lastDay)
    }

    /// The day number of a YYYY-MM-DD date (or of the date part of a longer time); nil if it is not one.
    public static func day(_ text: Substring) -> Int? {
        let bytes = Array(text.utf8.prefix(10))
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), (1...12).contains(month),
            day >= 1
        else { return nil }
        let result = CivilCalendar.dayNumber(year: year, month: month, day: day)
        // Reject the 31st of a 30-day month and the like: the day must come back as itself.
        guard CivilCalendar.date(ofDay: result) == (year, month, day) else { return nil }
        return Int(result)
    }

    /// The fields of a line: separated by commas, a field in double quotes may hold commas and doubled quotes.
    static func fields(of line: Substring) -> [Substring] {
        guard line.contains("\"") else { return line.split(separator: ",", omittingEmptySubsequences: false) }
        var fields: [Substring] = []
        var current = ""
        var quoted = false
        var iterator = line.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { current.append("\"") } else { quoted = false; pending = next }
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                fields.append(Substring(current))
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(Substring(current))
        return fields
    }
}
