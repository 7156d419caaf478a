import Foundation

/// Values as spreadsheets write them, read from the cells of imported files: days and times, amounts of money with
/// symbols and thousands separators, durations, yes/no flags, lists in one cell. Shared by the customer, transaction
/// and interaction imports, so that a file reads the same way whatever it holds.
public enum ImportCells {
    /// Why a cell cannot be read: a message naming the value and what was expected.
    public struct Problem: Error, Equatable, Sendable {
        /// What is wrong, naming the value.
        public let message: String

        /// Creates a problem.
        public init(_ message: String) {
            self.message = message
        }
    }

    // MARK: - Lists and flags

    /// The parts of a cell holding several values: separated by , ; / | 、 or their full-width forms.
    public static func split(_ value: String) -> [String] {
        // Most cells hold one value: without a separator scalar there is nothing to split.
        guard value.unicodeScalars.contains(where: { separators.contains($0.value) }) else {
            let single = TextNormalization.trimmed(TextNormalization.halfWidth(value))
            return single.isEmpty ? [] : [single]
        }
        return TextNormalization.halfWidth(value).split { ",;/|、".contains($0) }
            .map { TextNormalization.trimmed(String($0)) }.filter { !$0.isEmpty }
    }

    /// The separators of `split` and their full-width forms: , ; / | 、 ， ； ／ ｜.
    private static let separators: Set<UInt32> = [0x2C, 0x3B, 0x2F, 0x7C, 0x3001, 0xFF0C, 0xFF1B, 0xFF0F, 0xFF5C]

    /// A yes/no cell: 是/否, yes/no, y/n, true/false, 1/0, 同意/拒绝, √/×; nil for anything else.
    public static func flag(_ value: String) -> Bool? {
        switch TextNormalization.halfWidth(value).lowercased() {
        case "yes", "y", "true", "1", "是", "同意", "允许", "√": true
        case "no", "n", "false", "0", "否", "不同意", "拒绝", "×": false
        default: nil
        }
    }

    // MARK: - Days and instants

    /// The day formats `date(_:)` reads, for messages.
    public static let dateFormats = "2026-01-31, 2026/1/31, 2026年1月31日, 20260131"

    /// A day written as 2026-01-31, 2026/1/31, 2026.1.31, 2026年1月31日, 20260131 (a time after it ignored), or as
    /// a five-digit Excel day serial (days since 1899-12-30: 1927 to 2173).
    public static func date(_ text: String) -> CalendarDate? {
        day(TextNormalization.halfWidth(text).split(separator: " ").first.map(String.init) ?? "")
    }

    /// The instant formats `instant(_:in:)` reads, for messages.
    public static let instantFormats = "2026-01-31 14:05, 2026/1/31 14:05:09, 2026年1月31日 14时05分, 20260131, "
        + "2026-01-31T14:05:00+08:00"

    /// An instant: an RFC 3339 time with its offset (`2026-01-31T14:05:00+08:00`), or a day as `date(_:)` reads it
    /// with an optional time of day — `14:05`, `14:05:09`, `14:05:09.250`, `14时05分09秒` — in `zone` (midnight
    /// when there is no time), or an Excel serial with a fraction of a day (`46053.5868`) in `zone`.
    public static func instant(_ text: String, in zone: TimeZone) -> Date? {
        let value = TextNormalization.clean(text)
        if value.contains("T"), let date = RFC3339.parse(value) { return date }
        var dayPart = value, timePart = ""
        if let dayMark = value.firstIndex(of: "日") {
            dayPart = String(value[...dayMark])
            timePart = String(value[value.index(after: dayMark)...])
        } else if let separator = value.firstIndex(where: { $0 == " " || $0 == "T" }) {
            dayPart = String(value[..<separator])
            timePart = String(value[value.index(after: separator)...])
        }
        timePart = timePart.trimmingCharacters(in: .whitespaces)
        // An Excel serial: whole days since 1899-12-30, the fraction the time of day.
        if timePart.isEmpty, let dot = dayPart.firstIndex(of: "."), dayPart[..<dot].count == 5,
           dayPart.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), let serial = Double(dayPart)
        {
            let days = serial.rounded(.down)
            let seconds = ((serial - days) * 86_400).rounded()
            return local(CalendarDate(dayNumber: Int(days) - 25_569), seconds: Int(seconds), in: zone)
        }
        guard let day = day(dayPart) else { return nil }
        guard !timePart.isEmpty else { return local(day, seconds: 0, in: zone) }
        guard let (seconds, fraction) = timeOfDay(timePart) else { return nil }
        return local(day, seconds: seconds, in: zone)?.addingTimeInterval(fraction)
    }

    /// A day without anything after it.
    static func day(_ value: String) -> CalendarDate? {
        if value.count == 8, value.allSatisfy(\.isASCII), let number = Int(value) {
            return CalendarDate(year: number / 10_000, month: number / 100 % 100, day: number % 100)
        }
        if value.count == 5, let serial = Int(value) {
            return CalendarDate(dayNumber: serial - 25_569)
        }
        let parts = value.split { "-/.年月日".contains($0) }
        guard parts.count == 3, parts[0].count == 4, parts[1].count <= 2, parts[2].count <= 2,
              value.last.map({ $0.isNumber || $0 == "日" }) == true,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        return CalendarDate(year: year, month: month, day: day)
    }

    /// `14:05`, `14:05:09`, `14:05:09.250`, `14时05分`, `14点05分09秒` as seconds since midnight and a fraction.
    private static func timeOfDay(_ text: String) -> (Int, Double)? {
        var value = text
        for (mark, replacement) in [("时", ":"), ("点", ":"), ("分", ":"), ("秒", "")] {
            value = value.replacingOccurrences(of: mark, with: replacement)
        }
        if value.hasSuffix(":") { value.removeLast() }
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.count <= 2 || $0.contains(".") }),
              let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute)
        else { return nil }
        var second = 0, fraction = 0.0
        if parts.count == 3 {
            let secondText = parts[2]
            let whole = secondText.prefix { $0 != "." }
            guard whole.count == 2, let value = Int(whole), (0..<60).contains(value) else { return nil }
            second = value
            if whole.count < secondText.count {
                let digits = secondText.dropFirst(whole.count + 1)
                guard !digits.isEmpty, digits.count <= 6, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                      let parsed = Double("0." + digits)
                else { return nil }
                fraction = parsed
            }
        } else if parts[1].count != 2 {
            return nil
        }
        return (hour * 3600 + minute * 60 + second, fraction)
    }

    /// The instant of a day and a time of day on the clocks of `zone`: the wall-clock time less the zone's offset
    /// then, found in two steps so a change of offset (summer time) between the guess and the answer is followed.
    private static func local(_ day: CalendarDate, seconds: Int, in zone: TimeZone) -> Date? {
        guard day.year >= 1900 else { return nil }
        let wallClock = Double(day.dayNumber) * 86_400 + Double(seconds)
        let guess = wallClock - Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: wallClock)))
        return Date(timeIntervalSince1970: wallClock
            - Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: guess))))
    }

    // MARK: - Money

    /// An amount of money read from a cell: minor units (negative when the cell is), and the currency the cell names,
    /// if it names one.
    public struct Money: Equatable, Sendable {
        /// The amount in minor units of its currency.
        public let minor: Int64
        /// The ISO 4217 code the cell names, if any.
        public let currency: String?
    }

    /// An amount as spreadsheets and ledgers write it: `1234.5`, `¥1,234.50`, `RMB 1,234.50`, `1 234.50 元`,
    /// `-12.00`, `(12.00)` (negative), `USD 12`. The decimal point is `.`, a comma only ever separates thousands in
    /// groups of three, so `1.234,50` is refused rather than guessed at. At most as many decimals as the currency
    /// has minor digits (trailing zeros aside). `¥`, `￥`, `元`, `RMB` and `人民币` name CNY (JPY for `¥` when that is
    /// the base currency); `$` USD, `HK$` HKD, `€` EUR, `£` GBP; three letters are an ISO 4217 code.
    /// - Throws: `Problem` naming the value and why it is not an amount.
    public static func money(_ text: String, baseCurrency: String) throws(Problem) -> Money {
        let original = TextNormalization.clean(text)
        var value = original.replacingOccurrences(of: "￥", with: "¥")
            .filter { !$0.isWhitespace && $0 != "'" && $0 != "\u{2009}" && $0 != "\u{202F}" }
        var negative = false
        if value.hasPrefix("("), value.hasSuffix(")") {
            negative = true
            value = String(value.dropFirst().dropLast())
        }
        var currency: String?
        func take(_ sign: Bool = true) {
            if sign, value.hasPrefix("-") || value.hasPrefix("−") {
                negative.toggle()
                value.removeFirst()
            } else if sign, value.hasPrefix("+") {
                value.removeFirst()
            }
        }
        take()
        for (mark, code) in currencyMarks(baseCurrency: baseCurrency) {
            if value.uppercased().hasPrefix(mark) {
                value.removeFirst(mark.count)
            } else if value.uppercased().hasSuffix(mark) {
                value.removeLast(mark.count)
            } else {
                continue
            }
            currency = code
            break
        }
        if currency == nil, let code = isoCode(prefixOrSuffixOf: &value) { currency = code }
        take()
        let digits = MoneyText.minorDigits(of: currency ?? baseCurrency.uppercased())
        let notAmount = Problem("'\(original)' is not an amount (1234.50, ¥1,234.50, RMB 1,234.50)")
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard !value.isEmpty, parts.count <= 2, !parts[0].isEmpty else { throw notAmount }
        let whole = parts[0], fraction = parts.count == 2 ? parts[1] : ""
        if fraction.contains(",") {
            throw Problem("'\(original)' is not an amount: the decimal point is '.', and ',' separates thousands "
                          + "(write 1234.50 or 1,234.50)")
        }
        let groups = whole.split(separator: ",", omittingEmptySubsequences: false)
        guard groups.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              groups.count == 1 || (groups[0].count <= 3 && groups.dropFirst().allSatisfy { $0.count == 3 }),
              fraction.allSatisfy({ $0.isASCII && $0.isNumber }), parts.count == 1 || !fraction.isEmpty
        else {
            if groups.count > 1, groups.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }) {
                throw Problem("'\(original)' is not an amount: ',' separates thousands in groups of three, and the "
                              + "decimal point is '.'")
            }
            throw notAmount
        }
        let significant = fraction.reversed().drop { $0 == "0" }.count
        guard significant <= digits else {
            throw Problem("'\(original)' has more decimals than \(currency ?? baseCurrency.uppercased()) has "
                          + "(\(digits))")
        }
        var minor: Int64 = 0
        let wholeDigits = groups.joined()
        let fractionDigits = String(fraction.prefix(digits)).padding(toLength: digits, withPad: "0", startingAt: 0)
        for character in wholeDigits + fractionDigits {
            let (times, overflowTimes) = minor.multipliedReportingOverflow(by: 10)
            let (sum, overflowSum) = times.addingReportingOverflow(Int64(character.wholeNumberValue ?? 0))
            guard !overflowTimes, !overflowSum, sum < 1 << 53 else {
                throw Problem("'\(original)' is more than can be stored")
            }
            minor = sum
        }
        return Money(minor: negative ? -minor : minor, currency: currency)
    }

    /// Symbols and words that name a currency, in the order they are tried (`HK$` before `$`, `美元` before `元`).
    private static func currencyMarks(baseCurrency: String) -> [(String, String)] {
        let yen = baseCurrency.uppercased() == "JPY" ? "JPY" : "CNY"
        return [
            ("HK$", "HKD"), ("港币", "HKD"), ("港元", "HKD"), ("US$", "USD"), ("美元", "USD"), ("日元", "JPY"),
            ("欧元", "EUR"), ("英镑", "GBP"), ("人民币", "CNY"), ("RMB", "CNY"), ("元", "CNY"), ("¥", yen),
            ("$", "USD"), ("€", "EUR"), ("£", "GBP"),
        ]
    }

    /// Takes three ASCII letters off the front or back of `value` as an ISO 4217 code.
    private static func isoCode(prefixOrSuffixOf value: inout String) -> String? {
        let letters = { (text: Substring) in text.count == 3 && text.allSatisfy { $0.isASCII && $0.isLetter } }
        if letters(value.prefix(3)), value.dropFirst(3).first.map({ !$0.isLetter }) ?? false {
            defer { value.removeFirst(3) }
            return value.prefix(3).uppercased()
        }
        if letters(value.suffix(3)), value.dropLast(3).last.map({ !$0.isLetter }) ?? false {
            defer { value.removeLast(3) }
            return value.suffix(3).uppercased()
        }
        return nil
    }

    /// A currency column's cell: an ISO code, or 人民币/元/美元/港币/欧元/日元/英镑 as the code.
    public static func currencyCode(_ text: String) -> String {
        let value = TextNormalization.clean(text)
        let names = ["人民币": "CNY", "元": "CNY", "RMB": "CNY", "¥": "CNY", "￥": "CNY", "美元": "USD", "$": "USD",
                     "港币": "HKD", "港元": "HKD", "欧元": "EUR", "€": "EUR", "日元": "JPY", "英镑": "GBP", "£": "GBP"]
        return names[value.uppercased()] ?? value.uppercased()
    }

    // MARK: - Counts and durations

    /// A whole number as spreadsheets write one: `3`, `3.0`, `1,200`, optionally followed by a counting word
    /// (件, 个, 份, 盒, 瓶, 包, 套, 支, 台, 只, 双, 本, 袋, 罐, pcs); nil for anything else.
    public static func wholeNumber(_ text: String) -> Int64? {
        var value = TextNormalization.clean(text).lowercased()
        for unit in ["pcs", "pc"] where value.hasSuffix(unit) { value.removeLast(unit.count) }
        if let last = value.last, "件个份盒瓶包套支台只双本袋罐".contains(last) { value.removeLast() }
        value = value.trimmingCharacters(in: .whitespaces)
        if let dot = value.firstIndex(of: ".") {
            guard value[value.index(after: dot)...].allSatisfy({ $0 == "0" }) else { return nil }
            value = String(value[..<dot])
        }
        let groups = value.split(separator: ",", omittingEmptySubsequences: false)
        guard groups.count == 1 || (groups[0].count <= 3 && groups.dropFirst().allSatisfy { $0.count == 3 }) else {
            return nil
        }
        let digits = groups.joined()
        guard !digits.isEmpty, digits.count <= 15, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int64(digits)
    }

    /// The duration formats `seconds(_:)` reads, for messages.
    public static let durationFormats = "330 (seconds), 05:30, 1:05:30, 5分30秒, 1小时5分, 5m30s"

    /// A duration in seconds: a whole number of seconds (`330`), `mm:ss` (`05:30`), `h:mm:ss` (`1:05:30`), or
    /// numbers with units — 小时/时/h/hr, 分钟/分/m/min, 秒钟/秒/s/sec (`5分30秒`, `1小时5分`, `2 min`, `5m30s`);
    /// nil for anything else.
    public static func seconds(_ text: String) -> Int64? {
        let value = TextNormalization.clean(text).lowercased().filter { !$0.isWhitespace }
        guard !value.isEmpty else { return nil }
        if let seconds = wholeNumber(value) { return seconds }
        if value.contains(":") {
            let parts = value.split(separator: ":", omittingEmptySubsequences: false)
            guard (2...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }),
                  parts.dropFirst().allSatisfy({ $0.count == 2 }),
                  let numbers = Optional(parts.compactMap { Int64($0) }), numbers.count == parts.count,
                  numbers.dropFirst().allSatisfy({ $0 < 60 })
            else { return nil }
            return numbers.reduce(0) { $0 * 60 + $1 }
        }
        let units: [(String, Int64)] = [
            ("小时", 3600), ("hours", 3600), ("hour", 3600), ("hrs", 3600), ("hr", 3600), ("时", 3600), ("h", 3600),
            ("分钟", 60), ("minutes", 60), ("minute", 60), ("mins", 60), ("min", 60), ("分", 60), ("m", 60),
            ("秒钟", 1), ("seconds", 1), ("second", 1), ("secs", 1), ("sec", 1), ("秒", 1), ("s", 1),
        ]
        var total: Int64 = 0
        var rest = Substring(value)
        var lastScale = Int64.max
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && $0.isNumber }
            guard !number.isEmpty, number.count <= 9, let amount = Int64(number) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let (unit, scale) = units.first(where: { rest.hasPrefix($0.0) }), scale < lastScale else {
                return nil
            }
            rest = rest.dropFirst(unit.count)
            total += amount * scale
            lastScale = scale
        }
        return total
    }
}
