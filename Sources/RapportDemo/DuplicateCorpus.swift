import Foundation
import RapportCore

/// A labelled set of customers for measuring duplicate detection: distinct customers drawn like the demo business's
/// (common surnames and given names, most in a few big cities), with namesakes and relatives among them, and
/// corrupted copies of some of them. Every record carries the entity it stands for, so the true duplicate pairs
/// are known.
///
/// - Namesakes (about 5 % of people with Chinese names) take the name and city of an earlier customer but have
///   their own phone, e-mail, street and birthday: two 张伟 in Hangzhou are two people.
/// - Company names and web domains are unique, as registration makes them, and so are e-mail addresses, mobile
///   numbers and social handles.
/// - Relatives (about 2.5 % of people with Chinese names) share an earlier customer's surname, home address and
///   landline, but not the given name, mobile, e-mail or birthday.
/// - Copies are drawn with replacement, so some customers have two; each copy is another sign-up of the customer,
///   with one to three `Corruption`s, sent through the real `CustomerFieldsParser` exactly as the API would store
///   it (so a reformatted phone is normalised by `PhoneNumber`, and full-width letters are folded).
///
/// The same seed and counts always give the same records.
public struct DuplicateCorpus: Sendable {
    /// The kinds of error a copy can carry.
    public enum Corruption: String, CaseIterable, Sendable {
        /// A character of the name substituted (a homophone, as Chinese input methods offer), deleted or inserted;
        /// for Latin names also two letters swapped.
        case nameTypo
        /// Given and family names in the other order: `Zhang Kevin`, or `伟明张` from a form with the fields the
        /// Western way round.
        case swappedNames
        /// One or two of e-mail, phone, address, birthday and social handle left out.
        case missingValues
        /// The phones written the way people type them: `138 0013 8000`, `+86-138-0013-8000`, `(0571) 8888 1234`.
        case reformattedPhone
        /// Typed with the input method in full-width mode: `ＺＨＡＮＧ　Ｗｅｉ`, full-width digits in the phone,
        /// e-mail and street.
        case fullWidth
        /// The e-mail address in other letter case.
        case emailCase
        /// The address abbreviated: `浙江`, `杭州`, no district, `3-2-1202` for `3栋2单元1202室`.
        case addressAbbreviation
    }

    /// One customer record of the corpus.
    public struct Record: Sendable {
        /// The entity (distinct customer) the record stands for; records with the same entity are duplicates.
        public let entity: Int
        /// The fields, normalised as the store keeps them.
        public let fields: CustomerFields
        /// The errors of a copy; empty for an entity's original record.
        public let corruptions: [Corruption]
    }

    /// The records: first every entity's original in entity order, then the copies.
    public let records: [Record]

    /// Generates a corpus.
    /// - Parameters:
    ///   - seed: fixes every random choice.
    ///   - entities: how many distinct customers.
    ///   - copies: how many corrupted copies, of customers drawn with replacement.
    public init(seed: UInt64, entities: Int, copies: Int) {
        precondition(entities > 0 || copies == 0, "copies need customers to copy")
        var originals: [CustomerProfile] = []
        originals.reserveCapacity(entities)
        var companyNames = Set<String>()
        var domains = Set<String>()
        var contacts = Set<String>()
        for index in 0..<entities {
            var random = SeededRandom(seed: SeededRandom.derivedSeed(seed, UInt64(index)))
            var profile = CustomerProfile.make(serial: index + 1, endYear: Self.endYear, &random)
            // A company name is registered once in a city, so two companies of the generator with the same name
            // would be one company: the second is drawn again.
            while profile.isOrganization, !companyNames.insert(profile.fields.name).inserted {
                profile = CustomerProfile.make(serial: index + 1, endYear: Self.endYear, &random)
            }
            if profile.isOrganization { profile = Self.withOwnDomain(profile, &domains) }
            if !profile.isOrganization, profile.romanized?.english == false, index > 0 {
                let other = originals[random.index(index)]
                if !other.isOrganization, other.romanized?.english == false {
                    let roll = random.unit()
                    if roll < 0.06 {
                        profile = Self.namesake(of: other, like: profile, &random)
                    } else if roll < 0.09 {
                        profile = Self.relative(of: other, like: profile, &random)
                    }
                }
            }
            profile.fields = Self.withOwnContacts(profile.fields, &contacts, &random)
            originals.append(profile)
        }
        var records = originals.enumerated().map {
            Record(entity: $0.offset, fields: $0.element.fields, corruptions: [])
        }
        let parser = CustomerFieldsParser(defaultPhoneRegion: "CN")
        var random = SeededRandom(seed: SeededRandom.derivedSeed(seed ^ 0xC0FF_EE00_D0D0_CAFE, 0))
        for _ in 0..<copies {
            let entity = random.index(entities)
            let (raw, corruptions) = DuplicateCorruptor.copy(of: originals[entity], &random)
            let fields: CustomerFields
            do {
                fields = try parser.parse(raw.document)
            } catch {
                preconditionFailure("a corrupted copy is not valid input: \(error.errors) in \(raw)")
            }
            records.append(Record(entity: entity, fields: fields, corruptions: corruptions))
        }
        self.records = records
    }

    /// The year the customers' ages count to.
    static let endYear = 2026

    /// The company with a web domain no earlier company has: the generator derives domains from trade names
    /// alone, but two companies never share one, so a taken domain gets the city's area code (`jiahe0571.com`).
    private static func withOwnDomain(_ profile: CustomerProfile, _ taken: inout Set<String>) -> CustomerProfile {
        guard let domain = profile.domain, !taken.insert(domain).inserted else { return profile }
        let label = String(domain.prefix { $0 != "." })
        var own = label + profile.city.areaCode + String(domain.dropFirst(label.count))
        var serial = 2
        while !taken.insert(own).inserted {
            own = label + profile.city.areaCode + "-" + String(serial) + String(domain.dropFirst(label.count))
            serial += 1
        }
        var fields = profile.fields
        fields.emails = fields.emails.map { entry in
            var entry = entry
            entry.address = entry.address.replacingOccurrences(of: "@" + domain, with: "@" + own)
            return entry
        }
        return CustomerProfile(
            fields: fields, isOrganization: true, city: profile.city, romanized: nil, domain: own,
            preferredChannel: profile.preferredChannel, favouriteCategories: profile.favouriteCategories)
    }

    /// The fields with e-mail addresses, mobile numbers and social handles no earlier customer has. The generator
    /// draws them from names and a few digits, so common names collide (`liujing@163.com`); a mailbox, a mobile
    /// or a handle belongs to one person, so a taken one gets digits as its provider would ask for.
    private static func withOwnContacts(
        _ fields: CustomerFields, _ taken: inout Set<String>, _ random: inout SeededRandom
    ) -> CustomerFields {
        var fields = fields
        for index in fields.emails.indices {
            var address = fields.emails[index].address
            while !taken.insert("e:" + address).inserted, let at = address.firstIndex(of: "@") {
                address = address[..<at] + random.digits(2) + address[at...]
            }
            fields.emails[index].address = address
        }
        for index in fields.phones.indices where fields.phones[index].label == "mobile" {
            while !taken.insert("p:" + fields.phones[index].number).inserted {
                fields.phones[index].number = ContactDetails.mobile(&random)
            }
        }
        for index in fields.social.indices {
            while !taken.insert("w:" + fields.social[index].network + fields.social[index].handle).inserted {
                fields.social[index].handle += random.digits(1)
            }
        }
        return fields
    }

    /// Another person with `other`'s name in `other`'s city; the rest is `profile`'s own.
    private static func namesake(of other: CustomerProfile, like profile: CustomerProfile,
                                 _ random: inout SeededRandom) -> CustomerProfile {
        var fields = profile.fields
        fields.name = other.fields.name
        if let romanized = other.romanized, !fields.emails.isEmpty {
            let address = ContactDetails.chineseEmail(family: romanized.family, given: romanized.given,
                                                      birthYear: fields.birthday?.year, &random)
            fields.emails = [EmailEntry(address: address, primary: true)]
        }
        if !fields.addresses.isEmpty { fields.addresses = [ContactDetails.homeAddress(in: other.city, &random)] }
        return CustomerProfile(
            fields: fields, isOrganization: false, city: other.city, romanized: other.romanized, domain: nil,
            preferredChannel: profile.preferredChannel, favouriteCategories: profile.favouriteCategories)
    }

    /// A member of `other`'s household: the same surname, home address and landline, a given name, mobile, e-mail
    /// and birthday of its own.
    private static func relative(of other: CustomerProfile, like profile: CustomerProfile,
                                 _ random: inout SeededRandom) -> CustomerProfile {
        var fields = profile.fields
        let surname = DuplicateCorruptor.surnameLength(other.fields.name)
        let ownSurname = DuplicateCorruptor.surnameLength(fields.name)
        var given = String(fields.name.dropFirst(ownSurname))
        if given == String(other.fields.name.dropFirst(surname)) { given += random.pick(NameData.femaleGiven).hanzi }
        fields.name = String(other.fields.name.prefix(surname)) + given
        fields.addresses = other.fields.addresses
        let landlines = other.fields.phones.filter { $0.label == "home" }
        fields.phones = fields.phones.filter { $0.label == "mobile" } + landlines.map {
            PhoneEntry(number: $0.number, label: "home")
        }
        if let first = fields.phones.indices.first {
            for index in fields.phones.indices { fields.phones[index].primary = index == first }
        }
        return CustomerProfile(
            fields: fields, isOrganization: false, city: other.city, romanized: profile.romanized, domain: nil,
            preferredChannel: profile.preferredChannel, favouriteCategories: profile.favouriteCategories)
    }
}

/// How well duplicate detection finds the corpus's true pairs at one threshold.
public struct DuplicateEvaluation: Sendable, CustomStringConvertible {
    /// The score from which a pair counts as a duplicate.
    public let threshold: Double
    /// Records in the corpus.
    public let records: Int
    /// Pairs of records of the same entity.
    public let truePairs: Int
    /// Pairs that share a blocking key and were scored.
    public let candidatePairs: Int
    /// True pairs among the candidates: what blocking lets scoring find at best.
    public let truePairsBlocked: Int
    /// Candidates scoring at least the threshold.
    public let flaggedPairs: Int
    /// Flagged pairs that are true pairs.
    public let truePositives: Int

    /// Share of flagged pairs that are true; 1 when nothing is flagged.
    public var precision: Double { flaggedPairs == 0 ? 1 : Double(truePositives) / Double(flaggedPairs) }
    /// Share of true pairs flagged; 1 when there are none.
    public var recall: Double { truePairs == 0 ? 1 : Double(truePositives) / Double(truePairs) }
    /// The harmonic mean of precision and recall.
    public var f1: Double {
        precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
    }

    /// One line with the figures.
    public var description: String {
        String(format: "threshold %.2f: precision %.4f, recall %.4f, F1 %.4f (%d records, %d true pairs, "
               + "%d candidates, %d true pairs blocked, %d flagged, %d false positives, %d false negatives)",
               threshold, precision, recall, f1, records, truePairs, candidatePairs, truePairsBlocked,
               flaggedPairs, flaggedPairs - truePositives, truePairs - truePositives)
    }
}

extension DuplicateCorpus {
    /// A candidate pair with its score and whether it is a true pair.
    public struct ScoredPair: Sendable {
        /// The pair's record positions.
        public let pair: DuplicateKeys.Pair
        /// `DuplicateScorer.value` of the pair.
        public let value: Double
        /// Whether both records stand for the same entity.
        public let isDuplicate: Bool
    }

    /// Pairs of records of the same entity, whether blocking finds them or not.
    public var truePairCount: Int {
        var sizes: [Int: Int] = [:]
        for record in records { sizes[record.entity, default: 0] += 1 }
        return sizes.values.reduce(0) { $0 + $1 * ($1 - 1) / 2 }
    }

    /// Blocks the records by `DuplicateKeys` and scores every candidate pair with `DuplicateScorer`.
    public func scoredCandidates(maxBlockSize: Int = DuplicateKeys.maxBlockSize) -> [ScoredPair] {
        let profiles = records.map { DuplicateProfile($0.fields) }
        let pairs = DuplicateKeys.candidatePairs(keys: profiles.map { DuplicateKeys.keys(for: $0) },
                                                 maxBlockSize: maxBlockSize)
        return pairs.map { pair in
            ScoredPair(pair: pair, value: DuplicateScorer.value(profiles[pair.first], profiles[pair.second]),
                       isDuplicate: records[pair.first].entity == records[pair.second].entity)
        }
    }

    /// Precision, recall and F1 of blocking and scoring at `threshold`.
    public func evaluate(threshold: Double = DuplicateScorer.defaultThreshold) -> DuplicateEvaluation {
        evaluate(thresholds: [threshold])[0]
    }

    /// The evaluation at each threshold, from one pass of blocking and scoring.
    public func evaluate(thresholds: [Double]) -> [DuplicateEvaluation] {
        let scored = scoredCandidates()
        let truePairs = truePairCount
        let blocked = scored.count { $0.isDuplicate }
        return thresholds.map { threshold in
            let flagged = scored.filter { $0.value >= threshold }
            return DuplicateEvaluation(
                threshold: threshold, records: records.count, truePairs: truePairs, candidatePairs: scored.count,
                truePairsBlocked: blocked, flaggedPairs: flagged.count, truePositives: flagged.count { $0.isDuplicate })
        }
    }
}
