import RapportCore

/// Phone numbers, e-mail addresses, social handles and postal addresses, already in the normalised form Rapport
/// stores (E.164 numbers, lower-case addresses, half-width digits).
enum ContactDetails {
    /// Mobile prefixes 13x–19x weighted by how many numbers each range has in use.
    private static let mobileSecondDigit = WeightedTable<Int>([
        (3, 30), (5, 22), (8, 25), (7, 6), (9, 12), (6, 3), (4, 2),
    ])

    /// A Chinese mobile number: `+861`, the range digit, nine more digits.
    static func mobile(_ random: inout SeededRandom) -> String {
        "+861" + String(mobileSecondDigit.pick(&random)) + random.digits(9)
    }

    /// A landline in `city`: area code without its trunk 0, then an eight-digit local number starting 2–8.
    static func landline(in city: PlaceData.City, _ random: inout SeededRandom) -> String {
        "+86" + city.areaCode + String(random.int(2...8)) + random.digits(7)
    }

    /// A US number for an expatriate; area and exchange never start with 0 or 1 in the NANP.
    static func americanMobile(_ random: inout SeededRandom) -> String {
        "+1" + String(random.int(2...9)) + random.digits(2) + String(random.int(2...9)) + random.digits(6)
    }

    /// The personal address of someone with a Chinese name: a QQ number, pinyin with a lucky number or a birth year,
    /// or initials, at a Chinese webmail.
    static func chineseEmail(family: String, given: String, birthYear: Int?, _ random: inout SeededRandom) -> String {
        let roll = random.unit()
        if roll < 0.3 {
            // QQ numbers are 5–11 digits and never start with 0; most in use today have 9 or 10.
            let length = random.chance(0.8) ? random.int(9...10) : random.int(6...8)
            return String(random.int(1...9)) + random.digits(length - 1) + "@qq.com"
        }
        let domain = NameData.chineseMailDomains.pick(&random)
        if roll < 0.75 {
            return family + given + pinyinSuffix(birthYear: birthYear, &random) + "@" + domain
        }
        if roll < 0.85 {
            return given + "." + family + "@" + domain
        }
        let initials = String(family.prefix(1)) + String(given.prefix(1))
        return initials + random.digits(random.int(3...6)) + "@" + domain
    }

    /// What people add to a taken pinyin name: nothing, a birth year, a lucky number, or digits after `_`.
    private static func pinyinSuffix(birthYear: Int?, _ random: inout SeededRandom) -> String {
        switch random.index(5) {
        case 0: ""
        case 1: birthYear.map { String($0) } ?? random.pick(["88", "666", "520", "168"])
        case 2: random.pick(["88", "666", "520", "168", "123", "8888", "1314"])
        case 3: random.digits(random.int(2...4))
        default: "_" + random.digits(random.int(2...4))
        }
    }

    /// The address of someone with an English name at an international webmail.
    static func englishEmail(first: String, last: String, _ random: inout SeededRandom) -> String {
        let first = first.lowercased()
        let last = last.lowercased()
        let domain = NameData.englishMailDomains.pick(&random)
        switch random.index(3) {
        case 0: return first + "." + last + "@" + domain
        case 1: return first + last + random.digits(2) + "@" + domain
        default: return String(first.prefix(1)) + last + "@" + domain
        }
    }

    /// A WeChat ID: the app's generated `wxid_` form or a chosen one (it must start with a letter).
    static func weChatHandle(pinyin: String?, _ random: inout SeededRandom) -> String {
        if let pinyin, random.chance(0.6) {
            return pinyin + (random.chance(0.5) ? "_" : "") + random.digits(random.int(2...4))
        }
        return "wxid_" + letters(14, &random)
    }

    /// Lower-case letters and digits.
    static func letters(_ count: Int, _ random: inout SeededRandom) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
        var utf8: [UInt8] = []
        utf8.reserveCapacity(count)
        for _ in 0..<count { utf8.append(alphabet[random.index(alphabet.count)]) }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// A flat in a housing estate: `中山北路188号阳光花园3栋2单元1202室`.
    static func homeAddress(in city: PlaceData.City, _ random: inout SeededRandom) -> PostalAddress {
        let street = road(&random) + random.pick(PlaceData.estates) + String(random.int(1...32)) + "栋"
            + String(random.int(1...4)) + "单元" + String(random.int(1...33)) + DemoTime.padded(random.int(1...4), 2)
            + "室"
        return PostalAddress(label: "home", country: "CN", province: city.province, city: city.name,
                             district: random.pick(city.districts), street: street,
                             postalCode: postalCode(city, &random))
    }

    /// An office: `文三路90号创业大厦12层1203室`.
    static func officeAddress(in city: PlaceData.City, _ random: inout SeededRandom) -> PostalAddress {
        let floor = random.int(2...28)
        let street = road(&random) + random.pick(PlaceData.officeBuildings) + String(floor) + "层"
            + String(floor) + DemoTime.padded(random.int(1...20), 2) + "室"
        return PostalAddress(label: "office", country: "CN", province: city.province, city: city.name,
                             district: random.pick(city.districts), street: street,
                             postalCode: postalCode(city, &random))
    }

    /// A road and house number: `人民东路56号`.
    private static func road(_ random: inout SeededRandom) -> String {
        // Low house numbers are far more common than high ones.
        let number = random.chance(0.7) ? random.int(1...199) : random.int(200...999)
        return random.pick(PlaceData.roadStems) + PlaceData.roadSuffixes.pick(&random) + String(number) + "号"
    }

    /// A six-digit postal code of the city, or none (many people leave it out).
    private static func postalCode(_ city: PlaceData.City, _ random: inout SeededRandom) -> String? {
        random.chance(0.6) ? city.postalPrefix + "0" + random.digits(2) : nil
    }
}
