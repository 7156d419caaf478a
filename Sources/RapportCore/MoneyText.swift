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
        var digits = String(units.magnitude)
        var grouped = ""
        while digits.count > 3 {
            grouped = "," + digits.suffix(3) + grouped
            digits.removeLast(3)
        }
        let symbol: String = switch currency {
        case "CNY", "JPY": "¥"
        case "USD": "$"
        case "EUR": "€"
        case "GBP": "£"
        default: currency + " "
        }
        return (units < 0 ? "-" : "") + symbol + digits + grouped
    }
}
