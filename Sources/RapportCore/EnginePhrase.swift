import Foundation

/// A part of the sentence an engine explains a verdict with: stage reasons, churn warnings and duplicate evidence are
/// built from these phrases, joined by "; ". Events, the API and the CLI carry the English text; because a phrase's
/// words are fixed and only its values vary, `EngineExplanation(parsing:)` finds the phrases again in stored text,
/// so a page can say them in its reader's language.
public enum EnginePhrase: String, CaseIterable, Sendable {
    case noPurchaseYet = "no_purchase_yet"
    case noPurchaseFor = "no_purchase_for"
    case lastPurchaseAgo = "last_purchase_ago"
    case firstPurchaseAgo = "first_purchase_ago"
    case usualGap = "usual_gap"
    case onePurchaseDay = "one_purchase_day"
    case silentAfter = "silent_after"
    case churnedAfter = "churned_after"
    case newFor = "new_for"
    case pAlive = "p_alive"
    case pAliveBelow = "p_alive_below"
    case clvAtRisk = "clv_at_risk"
    case samePhone = "same_phone"
    case differentPhones = "different_phones"
    case differentMobiles = "different_mobiles"
    case sameEmail = "same_email"
    case differentEmails = "different_emails"
    case sameSocial = "same_social"
    case sameName = "same_name"
    case sameNameSwapped = "same_name_swapped"
    case namesAlike = "names_alike"
    case differentNames = "different_names"
    case sameBirthday = "same_birthday"
    case birthdayYearsDiffer = "birthday_years_differ"
    case differentBirthdays = "different_birthdays"
    case sameCity = "same_city"
    case differentCities = "different_cities"
    case sameStreet = "same_street"
    case streetsAlike = "streets_alike"
    case differentStreets = "different_streets"
    case kindsDiffer = "kinds_differ"

    /// What a value in a phrase is, which decides how it is written and read back.
    public enum Slot: String, Sendable {
        /// A number of days: `1 day`, `12.5 days`.
        case days
        /// A probability or ratio with two decimals: `0.48`.
        case decimal
        /// A whole percentage: `92%`.
        case percent
        /// Anything else, as it is: a phone number, a city, an amount of money.
        case text
    }

    /// A value put into a phrase.
    public enum Value: Sendable {
        case days(Double)
        case decimal(Double)
        case percent(Int)
        case text(String)

        /// The value as the phrase's slot holds it: the number without its unit, or the text.
        var written: String {
            switch self {
            case .days(let days): days.rounded() == days ? String(Int(days)) : String(format: "%.1f", days)
            case .decimal(let value): String(format: "%.2f", value)
            case .percent(let value): String(value)
            case .text(let text): text
            }
        }
    }

    /// The English words; `{days}`, `{decimal}`, `{percent}` and `{text}` stand for the values in order.
    public var template: String {
        switch self {
        case .noPurchaseYet: "no purchase yet"
        case .noPurchaseFor: "no purchase for {days}"
        case .lastPurchaseAgo: "last purchase {days} ago"
        case .firstPurchaseAgo: "first purchase {days} ago"
        case .usualGap: "usual gap {days}"
        case .onePurchaseDay: "one purchase day"
        case .silentAfter: "silent after {days}"
        case .churnedAfter: "churned after {days}"
        case .newFor: "new for {days}"
        case .pAlive: "P(alive) {decimal}"
        case .pAliveBelow: "P(alive) {decimal} below {decimal}"
        case .clvAtRisk: "CLV at risk {text}"
        case .samePhone: "same phone {text}"
        case .differentPhones: "no phone in common"
        case .differentMobiles: "different mobile phones"
        case .sameEmail: "same e-mail {text}"
        case .differentEmails: "no e-mail in common"
        case .sameSocial: "same {text} handle {text}"
        case .sameName: "same name"
        case .sameNameSwapped: "same name, order swapped"
        case .namesAlike: "names {percent} alike"
        case .differentNames: "different names"
        case .sameBirthday: "same birthday {text}"
        case .birthdayYearsDiffer: "birthdays differ in the year"
        case .differentBirthdays: "different birthdays"
        case .sameCity: "same city {text}"
        case .differentCities: "different cities"
        case .sameStreet: "same street address"
        case .streetsAlike: "street addresses {percent} alike"
        case .differentStreets: "different street addresses"
        case .kindsDiffer: "person vs organisation"
        }
    }

    /// The slots of the template, in order.
    public var slots: [Slot] {
        template.matches(of: Self.slotPattern).compactMap { Slot(rawValue: String($0.1)) }
    }

    /// The phrase in English with `values` put in.
    public func text(_ values: Value...) -> String {
        text(values)
    }

    /// The phrase in English with `values` put in.
    public func text(_ values: [Value]) -> String {
        Self.english(self, values.map(\.written))
    }

    /// The phrase in English with values already written (`written` of each `Value`).
    static func english(_ phrase: EnginePhrase, _ written: [String]) -> String {
        var text = ""
        var rest = Substring(phrase.template)
        var index = 0
        while let match = rest.firstMatch(of: slotPattern) {
            text += rest[..<match.range.lowerBound]
            text += say(Slot(rawValue: String(match.1)) ?? .text, index < written.count ? written[index] : "")
            index += 1
            rest = rest[match.range.upperBound...]
        }
        return text + rest
    }

    /// A written value with its unit, in English.
    private static func say(_ slot: Slot, _ value: String) -> String {
        switch slot {
        case .days: value == "1" ? "1 day" : value + " days"
        case .percent: value + "%"
        case .decimal, .text: value
        }
    }

    nonisolated(unsafe) private static let slotPattern = /\{(days|decimal|percent|text)\}/

    /// Each phrase with the pattern that reads it back; a slot's pattern captures its value as `Value.written`.
    nonisolated(unsafe) fileprivate static let readers: [(EnginePhrase, Regex<AnyRegexOutput>)] = allCases.map {
        phrase in
        var pattern = "^"
        var rest = Substring(phrase.template)
        while let match = rest.firstMatch(of: slotPattern) {
            pattern += NSRegularExpression.escapedPattern(for: String(rest[..<match.range.lowerBound]))
            switch Slot(rawValue: String(match.1)) {
            case .days: pattern += "([0-9]+(?:\\.[0-9])?) days?"
            case .decimal: pattern += "([0-9]+\\.[0-9]{2})"
            case .percent: pattern += "([0-9]+)%"
            default: pattern += "(.+?)"
            }
            rest = rest[match.range.upperBound...]
        }
        pattern += NSRegularExpression.escapedPattern(for: String(rest)) + "$"
        // The patterns are built from the templates above; one that does not compile is a programming error.
        return (phrase, try! Regex(pattern))
    }
}

/// An engine's explanation read back into its phrases and values, so it can be said in another language.
public struct EngineExplanation: Equatable, Sendable {
    /// One phrase of the explanation and its values as written (`12.5` for 12.5 days, `92` for 92 %).
    public struct Part: Equatable, Sendable {
        public let phrase: EnginePhrase
        public let values: [String]

        /// A part.
        public init(phrase: EnginePhrase, values: [String]) {
            self.phrase = phrase
            self.values = values
        }
    }

    /// What marks a stage change that is a win-back 回流.
    public static let winBackPrefix = "win-back: "
    /// What joins the parts of an explanation.
    private static let separator = "; "

    /// Whether the explanation is of a win-back.
    public let winBack: Bool
    public let parts: [Part]

    /// Reads `text`; nil unless every part of it is an engine phrase (a person's reason for a stage override is
    /// their own words).
    public init?(parsing text: String) {
        winBack = text.hasPrefix(Self.winBackPrefix)
        var found: [Part] = []
        for piece in text.dropFirst(winBack ? Self.winBackPrefix.count : 0).components(separatedBy: Self.separator) {
            guard let part = Self.part(piece) else { return nil }
            found.append(part)
        }
        parts = found
    }

    /// Phrases written by `EnginePhrase.text` joined into one explanation.
    public static func joining(_ phrases: [String]) -> String {
        phrases.joined(separator: separator)
    }

    /// The explanation in English, as the engines wrote it.
    public var english: String {
        (winBack ? Self.winBackPrefix : "")
            + Self.joining(parts.map { EnginePhrase.english($0.phrase, $0.values) })
    }

    private static func part(_ text: String) -> Part? {
        for (phrase, reader) in EnginePhrase.readers {
            guard let match = try? reader.wholeMatch(in: text) else { continue }
            let values = match.output.dropFirst().map { $0.substring.map(String.init) ?? "" }
            return Part(phrase: phrase, values: values)
        }
        return nil
    }
}
