import Foundation

/// How likely two customers are the same person or organisation, and why.
public struct DuplicateScore: Equatable, Sendable {
    /// 0…1; pairs at or above `DuplicateScorer.defaultThreshold` are possible duplicates.
    public let value: Double
    /// Short English evidence for a reviewer, strongest first, the evidence for before the evidence against:
    /// `same phone +8613800138000`, `names 92% alike`, `different birthdays`.
    public let reasons: [String]

    /// Creates a score.
    public init(value: Double, reasons: [String]) {
        self.value = value
        self.reasons = reasons
    }
}

/// Scores a pair of customers as possible duplicates by adding the evidence of each field in the manner of
/// Fellegi and Sunter: each comparison adds a log-odds weight — positive when the values agree, negative when
/// both are known and disagree, nothing when either is missing — and the sum, from a prior that a random
/// candidate pair is a duplicate, goes through the logistic function.
///
/// A shared mobile number or e-mail address is strong evidence; so is a street line with the same house, building
/// and flat numbers, though it names a household rather than a person; equal names are good evidence, more so the
/// longer the name (a two-character Chinese name is shared by many); a different birthday is strong evidence
/// against; a city weighs little. So two people called 张伟 in Hangzhou with different phones score low, relatives
/// sharing a flat and its landline but not a given name score low, and a copy of a customer with a reformatted
/// phone, a typo in the name and no e-mail scores high.
public enum DuplicateScorer {
    /// The score from which a pair is shown as a possible duplicate; it stands for a summed log-odds of about 1.4.
    /// Measured on the generated labelled corpus (`DuplicateCorpus` in RapportDemo), F1 barely changes between 0.75
    /// and 0.85 and falls below 0.7, where namesakes with nothing but a name in common come in; 0.8 keeps
    /// precision near 1 with recall about 0.99.
    public static let defaultThreshold = 0.8

    /// The log-odds before any evidence: most candidate pairs that share one weak key are different customers.
    static let prior = -3.0

    /// Scores two customers; the result does not depend on their order.
    public static func score(_ a: CustomerFields, _ b: CustomerFields) -> DuplicateScore {
        score(DuplicateProfile(a), DuplicateProfile(b))
    }

    /// Scores two prepared customers, with reasons.
    public static func score(_ a: DuplicateProfile, _ b: DuplicateProfile) -> DuplicateScore {
        let evidence = self.evidence(a, b)
        let ordered = evidence.filter { $0.weight > 0 }.sorted { $0.weight > $1.weight }
            + evidence.filter { $0.weight < 0 }.sorted { $0.weight < $1.weight }
        return DuplicateScore(value: value(of: evidence), reasons: ordered.map(\.reason))
    }

    /// The score's value alone, for scanning many pairs without building reasons.
    public static func value(_ a: DuplicateProfile, _ b: DuplicateProfile) -> Double {
        value(of: evidence(a, b))
    }

    /// The logistic function of the prior plus the evidence.
    private static func value(of evidence: [DuplicateEvidence]) -> Double {
        let logOdds = evidence.reduce(prior) { $0 + $1.weight }
        return 1 / (1 + exp(-logOdds))
    }

    /// Everything the two customers' fields say, for and against.
    static func evidence(_ a: DuplicateProfile, _ b: DuplicateProfile) -> [DuplicateEvidence] {
        var evidence: [DuplicateEvidence] = []
        if a.kind != b.kind { evidence.append(.kindsDiffer) }
        compareContacts(a, b, &evidence)
        compareNames(a, b, &evidence)
        compareBirthdays(a, b, &evidence)
        compareAddresses(a, b, &evidence)
        return evidence
    }

    /// Phones, e-mails and social handles: one shared value is enough; none shared counts a little against, as
    /// people change numbers and keep several addresses.
    private static func compareContacts(_ a: DuplicateProfile, _ b: DuplicateProfile, _ evidence: inout [DuplicateEvidence]) {
        // Where several values are shared, the one reported is chosen without regard to the order of the pair.
        // Mobiles are personal, landlines are shared by a household or an office: two different mobiles count
        // against even when the pair shares a landline.
        let phones = a.phones.filter(b.phones.contains)
        let mobilesA = a.phones.filter { !isChineseLandline($0) }
        let mobilesB = b.phones.filter { !isChineseLandline($0) }
        if let phone = phones.filter({ !isChineseLandline($0) }).min() {
            evidence.append(.samePhone(phone))
        } else {
            if let phone = phones.min() { evidence.append(.sameLandline(phone, household: false)) }
            if phones.isEmpty, !a.phones.isEmpty, !b.phones.isEmpty {
                evidence.append(.differentPhones)
            } else if !phones.isEmpty, !mobilesA.isEmpty, !mobilesB.isEmpty {
                evidence.append(.differentMobiles)
            }
        }
        let emails = a.emails.filter(b.emails.contains)
        if let email = emails.filter({ !isRoleMailbox($0) }).min() {
            evidence.append(.sameEmail(email))
        } else if let email = emails.min() {
            evidence.append(.sameRoleMailbox(email))
        } else if !a.emails.isEmpty && !b.emails.isEmpty {
            evidence.append(.differentEmails)
        }
        if let handle = a.social.filter(b.social.contains).min() {
            evidence.append(.sameSocial(handle))
        }
    }

    /// Local parts of mailboxes that a company's staff share (`info@`, `sales@`), which its branches and
    /// subsidiaries often share too: good evidence, but not of one customer.
    static let roleMailboxes: Set<Substring> = [
        "info", "sales", "service", "support", "contact", "admin", "office", "hr", "purchase", "purchasing",
        "marketing", "enquiries", "inquiry", "hello", "mail", "kefu", "postmaster", "webmaster", "business",
    ]

    /// True for an address whose local part is a role (`sales@hengtong.com`).
    private static func isRoleMailbox(_ email: String) -> Bool {
        guard let at = email.firstIndex(of: "@") else { return false }
        return roleMailboxes.contains(email[..<at])
    }

    /// A fixed-line number in China: `+86` not followed by a mobile range `13`–`19`. Households, offices and
    /// switchboards share these, so they count for less than a mobile.
    private static func isChineseLandline(_ phone: String) -> Bool {
        guard phone.hasPrefix("+86") else { return false }
        let national = phone.utf8.dropFirst(3)
        return !(national.count == 11 && national.first == UInt8(ascii: "1"))
    }

    /// The names, in order and with their tokens sorted (swapped given and family names).
    private static func compareNames(_ a: DuplicateProfile, _ b: DuplicateProfile, _ evidence: inout [DuplicateEvidence]) {
        guard !a.name.isEmpty, !b.name.isEmpty else { return }
        if a.name == b.name {
            evidence.append(.name(similarity: 1, swapped: false, length: a.name.count))
        } else if a.sortedName == b.sortedName {
            evidence.append(.name(similarity: 1, swapped: true, length: a.name.count))
        } else {
            let inOrder = StringSimilarity.jaroWinkler(a.name, b.name)
            // Sorting moves a typo's neighbours too, so the sorted comparison is trusted a little less.
            let sorted = 0.95 * StringSimilarity.jaroWinkler(a.sortedName, b.sortedName)
            evidence.append(.name(similarity: max(inOrder, sorted), swapped: false,
                                  length: max(a.name.count, b.name.count)))
        }
    }

    /// Equal birthdays, or how they differ.
    private static func compareBirthdays(_ a: DuplicateProfile, _ b: DuplicateProfile, _ evidence: inout [DuplicateEvidence]) {
        guard let first = a.birthday, let second = b.birthday else { return }
        if first == second {
            evidence.append(.sameBirthday(first))
        } else if first.month == second.month && first.day == second.day {
            // Only the year differs: a slip or a placeholder year, weaker than a different day.
            evidence.append(.birthdayYearsDiffer)
        } else {
            evidence.append(.differentBirthdays)
        }
    }

    /// The best-matching pair of addresses: the city, then the street line.
    private static func compareAddresses(_ a: DuplicateProfile, _ b: DuplicateProfile, _ evidence: inout [DuplicateEvidence]) {
        guard !a.addresses.isEmpty, !b.addresses.isEmpty else { return }
        var sharedCity: String?
        var citiesKnown = false
        var best: DuplicateEvidence?
        for first in a.addresses {
            for second in b.addresses {
                if let cityA = first.city, let cityB = second.city {
                    citiesKnown = true
                    guard cityA == cityB else { continue }
                    sharedCity = min(sharedCity ?? cityA, cityA)
                }
                guard let street = compareStreets(first, second) else { continue }
                if let current = best, !street.outranks(current) { continue }
                best = street
            }
        }
        if let sharedCity { evidence.append(.sameCity(sharedCity)) }
        else if citiesKnown { evidence.append(.differentCities) }
        guard let best else { return }
        evidence.append(best)
        guard best == .sameStreet else { return }
        // A home landline and a street line say the same thing — one household — so they are not counted twice.
        evidence = evidence.map { item in
            guard case .sameLandline(let phone, _) = item else { return item }
            return .sameLandline(phone, household: true)
        }
    }

    /// Two street lines: the numbers in them must agree (they tell neighbours apart), the words must be alike.
    private static func compareStreets(_ a: DuplicateProfile.Address, _ b: DuplicateProfile.Address) -> DuplicateEvidence? {
        guard !a.street.isEmpty, !b.street.isEmpty else { return nil }
        if a.street == b.street { return .sameStreet }
        let similarity = StringSimilarity.jaroWinkler(a.street, b.street)
        if !a.numbers.isEmpty && !b.numbers.isEmpty {
            guard a.numbers == b.numbers else { return .differentStreets }
            return similarity >= 0.75 ? .sameStreet : .similarStreet(similarity)
        }
        if similarity >= 0.92 { return .similarStreet(similarity) }
        return similarity < 0.7 ? .differentStreets : nil
    }
}

/// One piece of evidence about a pair, with its log-odds weight and its reason for a reviewer.
enum DuplicateEvidence: Equatable, Sendable {
    case samePhone(String)
    /// A fixed-line number; `household` when the street line agrees too, so that the line adds little to it.
    case sameLandline(String, household: Bool)
    case differentPhones
    /// A landline in common but each has a mobile of its own.
    case differentMobiles
    case sameEmail(String)
    case sameRoleMailbox(String)
    case differentEmails
    case sameSocial(String)
    /// Name similarity in 0…1, whether the tokens had to be sorted to agree, and the length in scalars of the
    /// longer name.
    case name(similarity: Double, swapped: Bool, length: Int)
    case sameBirthday(CalendarDate)
    case birthdayYearsDiffer
    case differentBirthdays
    case sameCity(String)
    case differentCities
    case sameStreet
    case similarStreet(Double)
    case differentStreets
    case kindsDiffer

    /// The log-odds this evidence adds: rough log-likelihood ratios (how much likelier the observation is for a
    /// duplicate than for two customers who merely share a blocking key), set by hand and checked on the labelled
    /// corpus.
    var weight: Double {
        switch self {
        case .samePhone: 7
        case .sameLandline(_, let household): household ? 1.5 : 4
        case .differentPhones, .differentMobiles: -1.5
        case .sameEmail: 7
        case .sameRoleMailbox: 4
        case .differentEmails: -1
        case .sameSocial: 6
        case .name(let similarity, let swapped, let length): Self.nameWeight(similarity, swapped, length)
        case .sameBirthday: 3
        case .birthdayYearsDiffer: -1.5
        case .differentBirthdays: -4.5
        case .sameCity: 0.5
        case .differentCities: -1
        case .sameStreet: 4.5
        case .similarStreet(let similarity): similarity >= 0.95 ? 2 : 1
        case .differentStreets: -0.5
        case .kindsDiffer: -3
        }
    }

    /// Whether this street comparison is better than `other`: more weight, or as much and more alike.
    func outranks(_ other: DuplicateEvidence) -> Bool {
        if weight != other.weight { return weight > other.weight }
        if case .similarStreet(let mine) = self, case .similarStreet(let theirs) = other { return mine > theirs }
        return false
    }

    /// Equal names weigh more the longer they are. Alike names weigh by how alike for their length: in a name of
    /// two or three characters one changed character (Jaro-Winkler 0.7–0.82) is as likely a sibling or spouse as a
    /// typo, so it counts somewhat against; in a longer name one typo leaves 0.93 or more and counts for, while
    /// two changed characters at the start (`东莞嘉禾…` / `杭州嘉禾…`, 0.86) are another company.
    private static func nameWeight(_ similarity: Double, _ swapped: Bool, _ length: Int) -> Double {
        if similarity >= 1 {
            let exact = length <= 2 ? 2.5 : length == 3 ? 3.5 : 4
            return swapped ? exact - 0.5 : exact
        }
        let points = length <= 3 ? shortNamePoints : longNamePoints
        for ((x0, y0), (x1, y1)) in zip(points, points.dropFirst()) where similarity <= x1 {
            return y0 + (y1 - y0) * (similarity - x0) / (x1 - x0)
        }
        return points[points.count - 1].1
    }

    /// (similarity, weight) points for names of at most three scalars, linearly interpolated.
    private static let shortNamePoints: [(Double, Double)] = [(0, -6), (0.6, -4.5), (0.7, -2), (0.8, -0.5),
                                                              (0.9, 0), (1, 0)]
    /// (similarity, weight) points for longer names.
    private static let longNamePoints: [(Double, Double)] = [(0, -6), (0.7, -4.5), (0.85, -2.5), (0.9, 0),
                                                             (0.94, 2), (1, 3)]

    /// `0.923` → `92`; never `100` for what is not equal.
    private static func percent(_ similarity: Double) -> EnginePhrase.Value {
        .percent(min(99, Int((similarity * 100).rounded())))
    }

    /// The reason shown to a reviewer.
    var reason: String {
        switch self {
        case .samePhone(let phone), .sameLandline(let phone, _): EnginePhrase.samePhone.text(.text(phone))
        case .differentPhones: EnginePhrase.differentPhones.text()
        case .differentMobiles: EnginePhrase.differentMobiles.text()
        case .sameEmail(let email), .sameRoleMailbox(let email): EnginePhrase.sameEmail.text(.text(email))
        case .differentEmails: EnginePhrase.differentEmails.text()
        case .sameSocial(let handle):
            // Profiles keep handles as `network:handle`.
            EnginePhrase.sameSocial.text(.text(String(handle.prefix { $0 != ":" })),
                                         .text(String(handle.drop { $0 != ":" }.dropFirst())))
        case .name(let similarity, let swapped, _):
            similarity >= 1 ? (swapped ? EnginePhrase.sameNameSwapped.text() : EnginePhrase.sameName.text())
                // Below 0.7 names share little more than a surname; a percentage would suggest more.
                : similarity >= 0.7 ? EnginePhrase.namesAlike.text(Self.percent(similarity))
                : EnginePhrase.differentNames.text()
        case .sameBirthday(let date): EnginePhrase.sameBirthday.text(.text("\(date)"))
        case .birthdayYearsDiffer: EnginePhrase.birthdayYearsDiffer.text()
        case .differentBirthdays: EnginePhrase.differentBirthdays.text()
        case .sameCity(let city): EnginePhrase.sameCity.text(.text(city))
        case .differentCities: EnginePhrase.differentCities.text()
        case .sameStreet: EnginePhrase.sameStreet.text()
        case .similarStreet(let similarity): EnginePhrase.streetsAlike.text(Self.percent(similarity))
        case .differentStreets: EnginePhrase.differentStreets.text()
        case .kindsDiffer: EnginePhrase.kindsDiffer.text()
        }
    }
}
