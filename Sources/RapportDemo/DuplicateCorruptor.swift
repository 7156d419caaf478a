import RapportCore

/// Makes the corrupted copies of `DuplicateCorpus`: another sign-up of a customer, as raw input with the errors
/// people and systems make, for the customer parser to normalise.
enum DuplicateCorruptor {
    /// A copy of `profile` with one to three corruptions that apply to it, and which ones; the fields are raw input
    /// (phones as typed, full-width text), not yet parsed.
    static func copy(
        of profile: CustomerProfile, _ random: inout SeededRandom
    ) -> (fields: CustomerFields, corruptions: [DuplicateCorpus.Corruption]) {
        let original = profile.fields
        // A second sign-up: the identity and contact points, not the first one's tags, IDs or consent.
        var fields = CustomerFields(kind: original.kind, name: original.name, emails: original.emails,
                                    phones: original.phones, social: original.social, addresses: original.addresses,
                                    birthday: original.birthday)
        var applicable = DuplicateCorpus.Corruption.allCases.filter { applies($0, to: profile) }
        let count = min(applicable.count, 1 + (random.chance(0.45) ? 1 : 0) + (random.chance(0.15) ? 1 : 0))
        var chosen: [DuplicateCorpus.Corruption] = []
        for _ in 0..<count {
            chosen.append(applicable.remove(at: random.index(applicable.count)))
        }
        // Values are dropped before they are reformatted, and full width goes last since it changes what is typed.
        let order: [DuplicateCorpus.Corruption] = [
            .nameTypo, .swappedNames, .missingValues, .reformattedPhone, .emailCase, .addressAbbreviation, .fullWidth,
        ]
        for corruption in order where chosen.contains(corruption) {
            apply(corruption, to: &fields, profile, &random)
        }
        return (fields, chosen)
    }

    /// Whether the customer has what the corruption changes.
    private static func applies(_ corruption: DuplicateCorpus.Corruption, to profile: CustomerProfile) -> Bool {
        let fields = profile.fields
        switch corruption {
        case .nameTypo: return true
        case .swappedNames: return !profile.isOrganization
        case .missingValues: return presentValues(fields).count >= 2
        case .reformattedPhone: return !fields.phones.isEmpty
        case .fullWidth: return true
        case .emailCase: return !fields.emails.isEmpty
        case .addressAbbreviation: return !fields.addresses.isEmpty
        }
    }

    private static func apply(
        _ corruption: DuplicateCorpus.Corruption, to fields: inout CustomerFields, _ profile: CustomerProfile,
        _ random: inout SeededRandom
    ) {
        switch corruption {
        case .nameTypo:
            fields.name = isLatin(fields.name) ? latinTypo(fields.name, &random)
                : chineseTypo(fields.name, isOrganization: profile.isOrganization, &random)
        case .swappedNames:
            if isLatin(fields.name) {
                fields.name = fields.name.split(separator: " ").reversed().joined(separator: " ")
            } else {
                let surname = surnameLength(fields.name)
                fields.name = String(fields.name.dropFirst(surname)) + (random.chance(0.5) ? " " : "")
                    + String(fields.name.prefix(surname))
            }
        case .missingValues:
            dropValues(&fields, &random)
        case .reformattedPhone:
            for index in fields.phones.indices {
                fields.phones[index].number = PhoneFormats.typed(fields.phones[index].number, &random)
            }
        case .fullWidth:
            fields.name = fullWidth(fields.name)
            fields.phones = fields.phones.map { PhoneEntry(number: fullWidth($0.number), label: $0.label,
                                                           primary: $0.primary) }
            fields.emails = fields.emails.map { EmailEntry(address: fullWidth($0.address), label: $0.label,
                                                           primary: $0.primary) }
            for index in fields.addresses.indices {
                fields.addresses[index].street = fields.addresses[index].street.map(fullWidth)
            }
        case .emailCase:
            for index in fields.emails.indices {
                fields.emails[index].address = recased(fields.emails[index].address, &random)
            }
        case .addressAbbreviation:
            for index in fields.addresses.indices {
                fields.addresses[index] = abbreviated(fields.addresses[index], &random)
            }
        }
    }

    /// True for a name written in Latin letters.
    private static func isLatin(_ name: String) -> Bool {
        name.unicodeScalars.first.map(\.isASCII) ?? true
    }

    /// How many characters of a Chinese name are its surname: two for the compound surnames of `NameData`.
    static func surnameLength(_ name: String) -> Int {
        let compound = NameData.surnames.items.contains { $0.hanzi.count == 2 && name.hasPrefix($0.hanzi) }
        return compound ? 2 : 1
    }

    /// Given-name characters by pinyin, for the homophone an input method offers in place of the right one.
    private static let homophones: [String: [String]] = Dictionary(
        grouping: (NameData.maleGiven + NameData.femaleGiven).map { ($0.pinyin, $0.hanzi) }, by: \.0
    ).mapValues { Array(Set($0.map(\.1))).sorted() }

    /// All given-name characters.
    private static let givenCharacters = (NameData.maleGiven + NameData.femaleGiven).map(\.hanzi)

    /// A character of the given name (or, for a company, of its trade name) substituted by a homophone or another
    /// character, deleted, or one inserted.
    private static func chineseTypo(_ name: String, isOrganization: Bool, _ random: inout SeededRandom) -> String {
        var characters = Array(name).map(String.init)
        let start = isOrganization ? 2 : min(surnameLength(name), characters.count - 1)
        let end = isOrganization ? min(4, characters.count) : characters.count
        let position = random.int(start...(end - 1))
        let roll = random.unit()
        if roll < 0.2, end - start >= 2 {
            characters.remove(at: position)
        } else if roll < 0.35 {
            characters.insert(random.pick(givenCharacters), at: random.int(start...end))
        } else {
            let pinyin = (NameData.maleGiven + NameData.femaleGiven).first { $0.hanzi == characters[position] }?.pinyin
            let sounds = pinyin.flatMap { homophones[$0] }?.filter { $0 != characters[position] } ?? []
            var replacement = sounds.isEmpty ? random.pick(givenCharacters) : random.pick(sounds)
            while replacement == characters[position] { replacement = random.pick(givenCharacters) }
            characters[position] = replacement
        }
        return characters.joined()
    }

    /// A letter substituted, deleted, inserted or swapped with its neighbour, never the first of the name.
    private static func latinTypo(_ name: String, _ random: inout SeededRandom) -> String {
        var letters = Array(name)
        let candidates = letters.indices.dropFirst().filter { letters[$0].isLetter }
        guard let position = candidates.isEmpty ? nil : random.pick(Array(candidates)) else { return name + "e" }
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz")
        switch random.index(4) {
        case 0:
            var replacement = random.pick(alphabet)
            while replacement == letters[position] { replacement = random.pick(alphabet) }
            letters[position] = replacement
        case 1:
            letters.remove(at: position)
        case 2:
            letters.insert(random.pick(alphabet), at: position)
        default:
            let next = position + 1
            if next < letters.count, letters[next].isLetter, letters[position] != letters[next] {
                letters.swapAt(position, position + 1)
            } else {
                letters.remove(at: position)
            }
        }
        return String(letters)
    }

    /// Which of e-mail (0), phone (1), address (2), birthday (3) and social handle (4) the customer has.
    private static func presentValues(_ fields: CustomerFields) -> [Int] {
        var present: [Int] = []
        if !fields.emails.isEmpty { present.append(0) }
        if !fields.phones.isEmpty { present.append(1) }
        if !fields.addresses.isEmpty { present.append(2) }
        if fields.birthday != nil { present.append(3) }
        if !fields.social.isEmpty { present.append(4) }
        return present
    }

    /// One or two of the values the customer has, left out, but never all of them: a copy with nothing but a name
    /// cannot be told from a namesake by anyone, so it would measure luck, not the scorer.
    private static func dropValues(_ fields: inout CustomerFields, _ random: inout SeededRandom) {
        var present = presentValues(fields)
        let count = min(present.count - 1, random.chance(0.4) ? 2 : 1)
        for _ in 0..<count {
            switch present.remove(at: random.index(present.count)) {
            case 0: fields.emails = []
            case 1: fields.phones = []
            case 2: fields.addresses = []
            case 3: fields.birthday = nil
            default: fields.social = []
            }
        }
    }

    /// ASCII as typed with a full-width input method: U+FF01…U+FF5E, and U+3000 for spaces.
    static func fullWidth(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x21...0x7E: result.append(Unicode.Scalar(scalar.value + 0xFEE0)!)
            case 0x20: result.append("\u{3000}")
            default: result.append(scalar)
            }
        }
        return String(result)
    }

    /// An e-mail address in other letter case: all capitals, a capital first letter, or a capital domain.
    private static func recased(_ address: String, _ random: inout SeededRandom) -> String {
        switch random.index(3) {
        case 0: return address.uppercased()
        case 1: return address.prefix(1).uppercased() + address.dropFirst()
        default:
            let parts = address.split(separator: "@", maxSplits: 1)
            return parts.count == 2 ? String(parts[0]) + "@" + parts[1].uppercased() : address.uppercased()
        }
    }

    /// The address as people shorten it: province and city without `省` and `市`, no district or postal code, and
    /// building, unit and flat numbers joined by hyphens.
    private static func abbreviated(_ address: PostalAddress, _ random: inout SeededRandom) -> PostalAddress {
        var address = address
        if random.chance(0.7) {
            address.province = address.province.map { dropSuffix($0, ["省", "市"]) }
        }
        if random.chance(0.7) { address.city = address.city.map { dropSuffix($0, ["市"]) } }
        if random.chance(0.5) { address.district = nil }
        if random.chance(0.5) { address.postalCode = nil }
        if var street = address.street {
            street = street.replacingOccurrences(of: "栋", with: "-").replacingOccurrences(of: "单元", with: "-")
                .replacingOccurrences(of: "室", with: "")
            if random.chance(0.5) { street = street.replacingOccurrences(of: "号", with: " ") }
            if random.chance(0.3) { street = street.replacingOccurrences(of: "层", with: "F ") }
            address.street = street
        }
        return address
    }

    private static func dropSuffix(_ text: String, _ suffixes: [String]) -> String {
        for suffix in suffixes where text.hasSuffix(suffix) && text.count > suffix.count + 1 {
            return String(text.dropLast(suffix.count))
        }
        return text
    }
}

/// Phone numbers written the way people type them, for the phone parser to normalise.
enum PhoneFormats {
    /// `e164` (`+8613800138000`) as someone might type it with China as the default region.
    static func typed(_ e164: String, _ random: inout SeededRandom) -> String {
        if e164.hasPrefix("+86") {
            let national = String(e164.dropFirst(3))
            return national.count == 11 && national.hasPrefix("1")
                ? chineseMobile(national, &random) : chineseLandline(national, &random)
        }
        if e164.hasPrefix("+1"), e164.count == 12 {
            let digits = Array(e164.dropFirst(2))
            let area = String(digits[0..<3])
            let exchange = String(digits[3..<6])
            let line = String(digits[6...])
            return random.pick(["+1 (\(area)) \(exchange)-\(line)", "+1-\(area)-\(exchange)-\(line)",
                                "001 \(area) \(exchange) \(line)"])
        }
        return e164
    }

    /// `138 0013 8000`, `+86-138-0013-8000`, `0086 13800138000` and the like.
    private static func chineseMobile(_ national: String, _ random: inout SeededRandom) -> String {
        let digits = Array(national)
        let spaced = String(digits[0..<3]) + " " + String(digits[3..<7]) + " " + String(digits[7...])
        let dashed = spaced.replacingOccurrences(of: " ", with: "-")
        return random.pick([
            spaced, dashed, "+86 " + spaced, "+86-" + dashed, "0086 " + national, "(+86) " + national,
            "86 " + national, "+86" + national + " ",
        ])
    }

    /// `(0571) 8888 1234`, `0571-88881234`, `+86 571 8888 1234`, `+86 (0)571 88881234`.
    private static func chineseLandline(_ national: String, _ random: inout SeededRandom) -> String {
        // Two-digit area codes are 10 and 20–29, all others have three digits.
        let areaLength = national.hasPrefix("1") || national.hasPrefix("2") ? 2 : 3
        let area = String(national.prefix(areaLength))
        let local = String(national.dropFirst(areaLength))
        let half = local.count / 2
        let grouped = String(local.prefix(half)) + " " + String(local.dropFirst(half))
        return random.pick([
            "(0\(area)) \(grouped)", "0\(area)-\(local)", "+86 \(area) \(grouped)", "+86 (0)\(area) \(local)",
            "0\(area) \(local)",
        ])
    }
}
