/// What the customer list's `q` parameter searches: name, number, e-mail addresses and phone numbers.
public enum CustomerSearch {
    /// The text kept with each customer for substring search: lower-cased, one item per line.
    public static func text(number: CustomerNumber, fields: CustomerFields) -> String {
        var items = [fields.name.lowercased(), number.description.lowercased()]
        items += fields.emails.map(\.address)
        // Phones are kept both as E.164 and as bare digits, so "138 0013" and "+86138" both find them.
        items += fields.phones.flatMap { [$0.number, String($0.number.dropFirst())] }
        return items.joined(separator: "\n")
    }

    /// The substrings to look for: the cleaned, lower-cased query, and its digits alone when it is mostly a number.
    /// Empty when there is nothing to search for.
    public static func needles(for query: String) -> [String] {
        let cleaned = TextNormalization.clean(query).lowercased()
        guard !cleaned.isEmpty else { return [] }
        var needles = [cleaned]
        let digits = cleaned.filter(\.isASCII).filter(\.isNumber)
        let separators = cleaned.filter { " -().+".contains($0) }
        if digits.count >= 3, digits.count + separators.count == cleaned.count, digits != cleaned {
            needles.append(digits)
        }
        return needles
    }
}
