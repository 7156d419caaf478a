/// Money as people read it in explanations: "¥1,240".
public enum MoneyText {
    /// Digits after the decimal point of a currency's minor unit (ISO 4217): 0 for yen and won, 3 for the dinars,
    /// 2 for the rest.
    public static func minorDigits(of currency: String) -> Int {
        switch currency {
        case "JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF": 0
        case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND": 3
        default: 2
        }
    }

    /// A minor-unit amount in whole major units with its symbol and thousands separators: 124_049 fen → "¥1,240".
    public static func whole(minor: Int64, currency: String) -> String {
        var divisor: Int64 = 1
        for _ in 0..<minorDigits(of: currency) { divisor *= 10 }
        let units = (minor + (minor >= 0 ? divisor / 2 : -divisor / 2)) / divisor
        return (units < 0 ? "-" : "") + symbol(of: currency) + grouped(units.magnitude)
    }

    /// A minor-unit amount to the minor unit, as tables of money show it: 123_450 fen → "¥1,234.50".
    public static func exact(minor: Int64, currency: String) -> String {
        let digits = minorDigits(of: currency)
        var divisor: UInt64 = 1
        for _ in 0..<digits { divisor *= 10 }
        let (units, fraction) = minor.magnitude.quotientAndRemainder(dividingBy: divisor)
        let fractionDigits = String(fraction)
        let decimals = digits == 0 ? "" : "." + String(repeating: "0", count: digits - fractionDigits.count)
            + fractionDigits
        return (minor < 0 ? "-" : "") + symbol(of: currency) + grouped(units) + decimals
    }

    private static func grouped(_ value: UInt64) -> String {
        var digits = String(value)
        var grouped = ""
        while digits.count > 3 {
            grouped = "," + digits.suffix(3) + grouped
            digits.removeLast(3)
        }
        return digits + grouped
    }

    private static func symbol(of currency: String) -> String {
        switch currency {
        case "CNY", "JPY": "¥"
        case "USD": "$"
        case "EUR": "€"
        case "GBP": "£"
        default: currency + " "
        }
    }
}
