import Foundation
import RapportCore

/// A plain transactions CSV, an analyst's input: a header naming `customer_id`, `date` (YYYY-MM-DD, anything after
/// the tenth character ignored) and `amount` (negative for refunds) in any order among other columns; UTF-8, fields
/// optionally in double quotes.
public struct TransactionsCSV: Sendable {
    /// A customer's ID as the file has it: a whole number (kept as one, so a million IDs make no strings) or text.
    public enum CustomerKey: Equatable, Sendable, CustomStringConvertible {
        case number(Int64)
        case text(String)

        public var description: String {
            switch self {
            case .number(let number): String(number)
            case .text(let text): text
            }
        }
    }

    /// Customer IDs in the order first seen; a customer's index in the columns is its position here.
    public let customerIDs: [CustomerKey]
    public let columns: PurchaseColumns
    /// The last day in the file, the default as-of day.
    public let lastDay: Int

    /// Reads a whole file.
    /// - Throws: `AnalyticsError.invalidInput` naming the line and the field that cannot be read.
    public static func read(_ data: Data) throws(AnalyticsError) -> TransactionsCSV {
        let result: Result<TransactionsCSV, AnalyticsError> = data.withUnsafeBytes { buffer in
            do throws(AnalyticsError) {
                return .success(try read(bytes: buffer.bindMemory(to: UInt8.self)))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Reads the bytes line by line without building a `String` per line: a million-row file is read in well under a
    /// second. Lines with quotes take the slower, general path.
    private static func read(bytes: UnsafeBufferPointer<UInt8>) throws(AnalyticsError) -> TransactionsCSV {
        var ids: [CustomerKey] = []
        var textIndex: [String: Int32] = [:]
        var numberIndex: [Int64: Int32] = [:]
        var customer: [Int32] = [], days: [Int32] = [], amounts: [Double] = []
        let estimate = bytes.count / 24
        customer.reserveCapacity(estimate)
        days.reserveCapacity(estimate)
        amounts.reserveCapacity(estimate)
        var lastDay = Int.min
        var position = 0
        // A UTF-8 byte order mark, as spreadsheets write it.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
        func nextLine() -> Range<Int>? {
            guard position < bytes.count else { return nil }
            let start = position
            while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
            var end = position
            position += 1
            if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            return start..<end
        }
        func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
        guard let headerLine = nextLine() else { throw .invalidInput("the file is empty") }
        let names = fields(of: Substring(text(headerLine))).map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        func column(_ name: String) throws(AnalyticsError) -> Int {
            guard let position = names.firstIndex(of: name) else {
                throw .invalidInput("line 1: no \(name) column; the header must name customer_id, date and amount")
            }
            return position
        }
        let (idColumn, dateColumn, amountColumn) = (try column("customer_id"), try column("date"),
                                                    try column("amount"))
        let needed = max(idColumn, dateColumn, amountColumn)
        var lineNumber = 1
        /// The index of a customer ID, new IDs numbered in the order first seen.
        func customerIndex(_ id: CustomerKey) -> Int32 {
            switch id {
            case .number(let number): if let known = numberIndex[number] { return known }
            case .text(let text): if let known = textIndex[text] { return known }
            }
            let next = Int32(ids.count)
            switch id {
            case .number(let number): numberIndex[number] = next
            case .text(let text): textIndex[text] = next
            }
            ids.append(id)
            return next
        }
        func add(_ index: Int32, _ day: Int, _ amount: Double) {
            customer.append(index)
            days.append(Int32(day))
            amounts.append(amount)
            lastDay = max(lastDay, day)
        }
        var ranges = [Range<Int>](repeating: 0..<0, count: names.count)
        var lastID = 0..<0
        numberIndex.reserveCapacity(estimate / 2)
        while let line = nextLine() {
            lineNumber += 1
            if line.isEmpty { continue }
            var fieldCount = 0
            var quoted = false
            var start = line.lowerBound
            for index in line where bytes[index] == UInt8(ascii: ",") || bytes[index] == UInt8(ascii: "\"") {
                if bytes[index] == UInt8(ascii: "\"") { quoted = true; break }
                if fieldCount < ranges.count { ranges[fieldCount] = start..<index }
                fieldCount += 1
                start = index + 1
            }
            if quoted {
                let values = fields(of: Substring(text(line)))
                guard values.count > needed else {
                    throw .invalidInput("line \(lineNumber): expected \(names.count) fields, found \(values.count)")
                }
                let (day, amount) = try Self.dateAndAmount(values[dateColumn], values[amountColumn], line: lineNumber)
                let key = String(values[idColumn])
                guard !key.isEmpty else { throw .invalidInput("line \(lineNumber): customer_id is empty") }
                add(customerIndex(.text(key)), day, amount)
                lastID = 0..<0
                continue
            }
            if fieldCount < ranges.count { ranges[fieldCount] = start..<line.upperBound }
            fieldCount += 1
            guard fieldCount > needed else {
                throw .invalidInput("line \(lineNumber): expected \(names.count) fields, found \(fieldCount)")
            }
            let dateRange = ranges[dateColumn], amountRange = ranges[amountColumn]
            var day = Self.day(bytes[dateRange])
            var amount = Self.decimal(bytes[amountRange])
            if day == nil || amount == nil {
                (day, amount) = try Self.dateAndAmount(Substring(text(dateRange)), Substring(text(amountRange)),
                                                       line: lineNumber)
            }
            // Files are mostly grouped by customer: a row with the previous row's ID needs no lookup at all.
            let idRange = ranges[idColumn]
            let index: Int32
            if !lastID.isEmpty, idRange.count == lastID.count,
                memcmp(bytes.baseAddress! + idRange.lowerBound, bytes.baseAddress! + lastID.lowerBound, idRange.count) == 0
            {
                index = customer.last!
            } else if let number = Self.plainNumber(bytes[idRange]) {
                // Whole-number IDs without leading zeros (the usual case) are looked up as numbers, without a string.
                index = customerIndex(.number(number))
            } else {
                let key = text(idRange)
                guard !key.isEmpty else { throw .invalidInput("line \(lineNumber): customer_id is empty") }
                index = customerIndex(.text(key))
            }
            lastID = idRange
            add(index, day!, amount!)
        }
        guard !customer.isEmpty else { throw .invalidInput("the file has no transactions") }
        let columns = PurchaseColumns(customer: customer, day: days, amount: amounts, customerCount: ids.count)
        return TransactionsCSV(customerIDs: ids, columns: columns, lastDay: lastDay)
    }

    /// The date and amount of a row that the fast paths could not read, or the error naming the field.
    private static func dateAndAmount(
        _ dateText: Substring, _ amountText: Substring, line: Int
    ) throws(AnalyticsError) -> (Int, Double) {
        guard let day = day(dateText) else {
            throw .invalidInput("line \(line): date '\(dateText)' is not a YYYY-MM-DD date")
        }
        let trimmed = amountText.trimmingCharacters(in: .whitespaces)
        guard let amount = Double(trimmed), amount.isFinite else {
            throw .invalidInput("line \(line): amount '\(amountText)' is not a number")
        }
        return (day, amount)
    }

    /// A plain decimal such as `-12.34` with at most 15 digits, exactly as `Double("-12.34")` reads it (an integer
    /// of at most 15 digits and a power of ten are both exact, and one division rounds correctly); nil for anything
    /// else, which the slow path then reads.
    static func decimal(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Double? {
        var mantissa: Int64 = 0
        var digits = 0, fraction = -1
        var negative = false
        for (offset, byte) in zip(0..., bytes) {
            if byte == UInt8(ascii: "-"), offset == 0 {
                negative = true
            } else if byte == UInt8(ascii: "."), fraction < 0 {
                fraction = 0
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                mantissa = mantissa * 10 + Int64(byte - UInt8(ascii: "0"))
                digits += 1
                if fraction >= 0 { fraction += 1 }
            } else {
                return nil
            }
        }
        guard digits > 0, digits <= 15, fraction != 0 else { return nil }
        let value = fraction > 0 ? Double(mantissa) / powersOfTen[fraction] : Double(mantissa)
        return negative ? -value : value
    }

    private static let powersOfTen: [Double] = (0...15).map { pow(10, Double($0)) }

    /// `day(_:)` straight from the bytes of a field, without a string: `CalendarDate(parsing:)` splits its text, which
    /// costs more than the rest of a row on a million-row file.
    static func day(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
        day(utf8: bytes)
    }

    /// The value of a field of 1 to 18 digits without a leading zero; nil for anything else.
    private static func plainNumber(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Int64? {
        guard (1...18).contains(bytes.count), bytes.first != UInt8(ascii: "0") || bytes.count == 1 else { return nil }
        var value: Int64 = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// The day number of a YYYY-MM-DD date (or of the date part of a longer time); nil if it is not one.
    public static func day(_ text: Substring) -> Int? {
        text.count >= 10 ? CalendarDate(parsing: String(text.prefix(10)))?.dayNumber : nil
    }

    private static func day(utf8 text: some Sequence<UInt8>) -> Int? {
        var digits: (year: Int64, month: Int64, day: Int64) = (0, 0, 0)
        var position = 0
        for byte in text {
            guard position < 10 else { break }
            switch position {
            case 4, 7:
                guard byte == UInt8(ascii: "-") else { return nil }
            default:
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                let digit = Int64(byte - UInt8(ascii: "0"))
                if position < 4 { digits.year = digits.year * 10 + digit }
                else if position < 7 { digits.month = digits.month * 10 + digit }
                else { digits.day = digits.day * 10 + digit }
            }
            position += 1
        }
        guard position == 10, (1...12).contains(digits.month), digits.day >= 1 else { return nil }
        let result = CivilCalendar.dayNumber(year: digits.year, month: digits.month, day: digits.day)
        // Reject the 31st of a 30-day month and the like: the day must come back as itself.
        guard CivilCalendar.date(ofDay: result) == digits else { return nil }
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
