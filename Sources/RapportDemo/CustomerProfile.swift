import RapportCore

/// Who a demo customer is: the fields it is created with and the traits its purchases, interactions and later
/// edits depend on.
struct CustomerProfile {
    var fields: CustomerFields
    let isOrganization: Bool
    let city: PlaceData.City
    /// Pinyin (or English) family and given names, for a new e-mail address later; nil for companies.
    let romanized: (family: String, given: String, english: Bool)?
    /// A company's web domain, for its mailboxes.
    let domain: String?
    /// Where it usually buys: `store`, `online`, `wechat` or `phone`.
    let preferredChannel: String
    /// Indexes into `Catalogue.categories` that it favours.
    let favouriteCategories: [Int]

    private static let personSources = WeightedTable<String>([
        ("store", 30), ("wechat", 22), ("web", 15), ("tmall", 15), ("referral", 10), ("fair", 3),
    ])
    private static let companySources = WeightedTable<String>([
        ("referral", 30), ("fair", 25), ("web", 20), ("wechat", 10), ("store", 15),
    ])
    private static let memberLevels = WeightedTable<String>([
        ("普通会员", 50), ("银卡会员", 30), ("金卡会员", 15), ("钻石会员", 5),
    ])
    private static let companySizes = ["20人以下", "20-99人", "100-499人", "500人以上"]

    /// Draws a customer: 85 % people with Chinese names, 5 % with English names, 10 % companies.
    /// - Parameters:
    ///   - serial: the customer's position from 1, which makes its shop membership number unique.
    ///   - endYear: the year the history ends, to turn ages into birth years.
    static func make(serial: Int, endYear: Int, _ random: inout SeededRandom) -> CustomerProfile {
        let roll = random.unit()
        let city = PlaceData.cities.pick(&random)
        var profile =
            roll < 0.85 ? chinesePerson(city: city, endYear: endYear, &random)
            : roll < 0.90 ? englishPerson(city: city, endYear: endYear, &random)
            : company(city: city, &random)
        profile.fields.tags += tags(isOrganization: profile.isOrganization, &random)
        profile.fields.consent = consent(profile.fields, &random)
        if random.chance(profile.isOrganization ? 0.6 : 0.45) {
            profile.fields.externalIDs["shop"] = "S" + DemoTime.padded(serial, 7)
        }
        if profile.fields.source == "tmall" {
            profile.fields.externalIDs["tmall"] = "tb" + random.digits(10)
        }
        return profile
    }

    private static func chinesePerson(city: PlaceData.City, endYear: Int, _ random: inout SeededRandom) -> Self {
        let family = NameData.surnames.pick(&random)
        let givenPool = random.chance(0.5) ? NameData.maleGiven : NameData.femaleGiven
        var given = [random.pick(givenPool)]
        // Most people born since the 1970s have two-character given names.
        if random.chance(0.72) { given.append(random.pick(givenPool)) }
        let givenPinyin = given.map(\.pinyin).joined()
        let birthday = random.chance(0.45) ? birthday(endYear: endYear, &random) : nil

        var fields = CustomerFields(kind: .person, name: family.hanzi + given.map(\.hanzi).joined())
        if random.chance(0.8) {
            fields.emails = [EmailEntry(address: ContactDetails.chineseEmail(
                family: family.pinyin, given: givenPinyin, birthYear: birthday?.year, &random), primary: true)]
        }
        let phoneRoll = random.unit()
        if phoneRoll < 0.9 {
            fields.phones = [PhoneEntry(number: ContactDetails.mobile(&random), label: "mobile", primary: true)]
            if random.chance(0.08) {
                fields.phones.append(PhoneEntry(number: ContactDetails.landline(in: city, &random), label: "home"))
            }
        } else if phoneRoll < 0.95 {
            fields.phones = [PhoneEntry(number: ContactDetails.landline(in: city, &random), label: "home",
                                        primary: true)]
        }
        if random.chance(0.35) {
            fields.social.append(SocialHandle(network: "wechat",
                                              handle: ContactDetails.weChatHandle(pinyin: givenPinyin, &random)))
        }
        if random.chance(0.04) {
            fields.social.append(SocialHandle(network: "weibo", handle: family.pinyin + givenPinyin + random.digits(3)))
        }
        if random.chance(0.75) { fields.addresses = [ContactDetails.homeAddress(in: city, &random)] }
        fields.birthday = birthday
        fields.source = personSources.pick(&random)
        if random.chance(0.4) { fields.attributes["会员等级"] = .string(memberLevels.pick(&random)) }
        return CustomerProfile(
            fields: fields, isOrganization: false, city: city,
            romanized: (family.pinyin, givenPinyin, false), domain: nil,
            preferredChannel: preferredChannel(source: fields.source, &random),
            favouriteCategories: favourites(&random))
    }

    private static func englishPerson(city: PlaceData.City, endYear: Int, _ random: inout SeededRandom) -> Self {
        let first = random.pick(random.chance(0.5) ? NameData.englishMaleFirst : NameData.englishFemaleFirst)
        // Many Chinese people go by an English first name with their own surname ("Kevin Zhang").
        let last = random.chance(0.4)
            ? capitalized(NameData.surnames.pick(&random).pinyin) : random.pick(NameData.englishLast)
        var fields = CustomerFields(kind: .person, name: first + " " + last)
        if random.chance(0.9) {
            fields.emails = [EmailEntry(address: ContactDetails.englishEmail(first: first, last: last, &random),
                                        primary: true)]
        }
        if random.chance(0.85) {
            let number = random.chance(0.8) ? ContactDetails.mobile(&random) : ContactDetails.americanMobile(&random)
            fields.phones = [PhoneEntry(number: number, label: "mobile", primary: true)]
        }
        if random.chance(0.2) {
            let handle = first.lowercased() + "-" + last.lowercased() + "-" + random.digits(4)
            fields.social.append(SocialHandle(network: "linkedin", handle: handle))
        }
        if random.chance(0.6) { fields.addresses = [ContactDetails.homeAddress(in: city, &random)] }
        if random.chance(0.3) { fields.birthday = birthday(endYear: endYear, &random) }
        fields.source = personSources.pick(&random)
        return CustomerProfile(
            fields: fields, isOrganization: false, city: city,
            romanized: (last.lowercased(), first.lowercased(), true), domain: nil,
            preferredChannel: preferredChannel(source: fields.source, &random),
            favouriteCategories: favourites(&random))
    }

    private static func company(city: PlaceData.City, _ random: inout SeededRandom) -> Self {
        var fields: CustomerFields
        let domain: String
        if random.chance(0.85) {
            let brand = random.pick(NameData.brands)
            let industry = random.pick(NameData.industries)
            let form = random.chance(0.9) ? "有限公司" : "股份有限公司"
            fields = CustomerFields(kind: .organization, name: city.shortName + brand.hanzi + industry.name + form)
            domain = brand.pinyin + (random.chance(0.4) ? industry.word : "") + random.pick([".com", ".cn", ".com.cn"])
            fields.attributes["行业"] = .string(industry.sector)
        } else {
            let brand = random.pick(NameData.englishCompanyBrands)
            let trade = random.pick(NameData.englishCompanyTrades)
            fields = CustomerFields(kind: .organization,
                                    name: brand + " " + trade + " " + random.pick(NameData.englishCompanySuffixes))
            domain = (brand + trade).lowercased().filter { $0 != " " } + random.pick([".com", ".com.cn", ".cn"])
        }
        if random.chance(0.85) {
            fields.emails = [EmailEntry(address: random.pick(NameData.companyMailboxes) + "@" + domain, label: "work",
                                        primary: true)]
        }
        if random.chance(0.9) {
            fields.phones = [PhoneEntry(number: ContactDetails.landline(in: city, &random), label: "office",
                                        primary: true)]
        }
        if random.chance(0.5) {
            // The buyer's own mobile, which the shop calls first once it has it.
            fields.phones.append(PhoneEntry(number: ContactDetails.mobile(&random), label: "mobile",
                                            primary: fields.phones.isEmpty))
        }
        if random.chance(0.95) { fields.addresses = [ContactDetails.officeAddress(in: city, &random)] }
        fields.source = companySources.pick(&random)
        fields.attributes["员工规模"] = .string(random.pick(companySizes))
        if random.chance(0.6) { fields.team = "大客户部" }
        return CustomerProfile(
            fields: fields, isOrganization: true, city: city, romanized: nil, domain: domain,
            preferredChannel: random.pick(["phone", "wechat", "online", "store"]),
            favouriteCategories: [Catalogue.giftIndex] + favourites(&random).prefix(1))
    }

    /// `zhang` → `Zhang`.
    private static func capitalized(_ word: String) -> String {
        word.prefix(1).uppercased() + word.dropFirst()
    }

    /// A birthday of someone 18 to 70 years old; the 29th of February is left out so every year has it.
    private static func birthday(endYear: Int, _ random: inout SeededRandom) -> CalendarDate? {
        let year = endYear - random.int(18...70)
        let month = random.int(1...12)
        let day = random.int(1...(month == 2 ? 28 : [4, 6, 9, 11].contains(month) ? 30 : 31))
        return CalendarDate(parsing: DemoTime.padded(year, 4) + "-" + DemoTime.padded(month, 2) + "-"
                            + DemoTime.padded(day, 2))
    }

    private static func tags(isOrganization: Bool, _ random: inout SeededRandom) -> [String] {
        var tags: [String] = []
        if isOrganization {
            if random.chance(0.9) { tags.append("企业客户") }
            if random.chance(0.3) { tags.append("wholesale") }
            if random.chance(0.4) { tags.append("礼品采购") }
        } else {
            if random.chance(0.06) { tags.append("vip") }
            if random.chance(0.08) { tags.append("老客户") }
            if random.chance(0.05) { tags.append("茶友会") }
        }
        if random.chance(0.2) { tags.append("newsletter") }
        return tags
    }

    /// Consent asked on some channels only; most who were asked said yes.
    private static func consent(_ fields: CustomerFields, _ random: inout SeededRandom) -> Consent {
        func ask(_ available: Bool, _ askedShare: Double, _ yesShare: Double, _ random: inout SeededRandom) -> Bool? {
            guard available, random.chance(askedShare) else { return nil }
            return random.chance(yesShare)
        }
        let hasMobile = fields.phones.contains { $0.label == "mobile" }
        return Consent(
            email: ask(!fields.emails.isEmpty, 0.6, 0.7, &random),
            sms: ask(hasMobile, 0.5, 0.6, &random),
            phone: ask(!fields.phones.isEmpty, 0.3, 0.5, &random),
            wechat: ask(fields.social.contains { $0.network == "wechat" }, 0.7, 0.85, &random))
    }

    /// The purchase channel that goes with how the customer found the shop, sometimes another one.
    private static func preferredChannel(source: String?, _ random: inout SeededRandom) -> String {
        guard random.chance(0.8) else { return random.pick(["store", "online", "wechat", "phone"]) }
        switch source {
        case "store": return "store"
        case "web", "tmall": return "online"
        case "wechat": return "wechat"
        default: return random.pick(["store", "online", "wechat"])
        }
    }

    /// One to three categories the customer leans towards, drawn by popularity.
    private static func favourites(_ random: inout SeededRandom) -> [Int] {
        var chosen: [Int] = []
        for _ in 0..<random.int(1...3) {
            let category = Catalogue.categoryTable.pick(&random)
            if !chosen.contains(category) { chosen.append(category) }
        }
        return chosen
    }
}
