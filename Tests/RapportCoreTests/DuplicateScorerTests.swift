import Testing
@testable import RapportCore

@Suite struct StringSimilarityTests {
    @Test(
        "Jaro-Winkler gives the published values",
        arguments: [("MARTHA", "MARHTA", 0.961), ("DWAYNE", "DUANE", 0.840), ("DIXON", "DICKSONX", 0.813)]
    )
    func knownValues(_ a: String, _ b: String, _ expected: Double) {
        #expect(abs(StringSimilarity.jaroWinkler(a, b) - expected) < 0.0005)
        #expect(StringSimilarity.jaroWinkler(a, b) == StringSimilarity.jaroWinkler(b, a))
    }

    @Test("equal strings are 1, strings with nothing in common 0, two empty strings equal")
    func bounds() {
        #expect(StringSimilarity.jaroWinkler("张伟", "张伟") == 1)
        #expect(StringSimilarity.jaroWinkler("abc", "xyz") == 0)
        #expect(StringSimilarity.jaroWinkler("", "") == 1)
        #expect(StringSimilarity.jaroWinkler("", "a") == 0)
    }

    @Test("two-character Chinese names: a swap still matches, one changed character is 0.7")
    func chineseNames() {
        #expect(abs(StringSimilarity.jaroWinkler("张伟", "伟张") - 5.0 / 6) < 1e-9)
        #expect(abs(StringSimilarity.jaroWinkler("张伟", "张玮") - 0.7) < 1e-9)
        let typo = StringSimilarity.jaroWinkler("张伟明", "张伟铭")
        #expect(typo > 0.8 && typo < 0.85)
    }

    @Test("strings longer than 64 scalars take the array path and agree with it")
    func longStrings() {
        let a = String(repeating: "杭州市西湖区文三路", count: 9)
        let b = String(repeating: "杭州市西湖区文二路", count: 9)
        let value = StringSimilarity.jaroWinkler(a, b)
        #expect(value > 0.8 && value < 1)
        #expect(value == StringSimilarity.jaroWinkler(b, a))
    }

    @Test("optimal string alignment distance counts an adjacent swap as one edit")
    func damerauLevenshtein() {
        let s = StringSimilarity.scalars
        #expect(StringSimilarity.damerauLevenshtein(s("kitten"), s("sitting")) == 3)
        #expect(StringSimilarity.damerauLevenshtein(s("abcd"), s("acbd")) == 1)
        #expect(StringSimilarity.damerauLevenshtein(s("ca"), s("abc")) == 3)
        #expect(StringSimilarity.damerauLevenshtein(s(""), s("张伟")) == 2)
        #expect(StringSimilarity.damerauLevenshteinSimilarity(s("张伟明"), s("张伟铭")) == 1 - 1.0 / 3)
    }
}

@Suite struct DuplicateScorerTests {
    static let threshold = DuplicateScorer.defaultThreshold

    /// 王晓明 of Hangzhou with everything filled in.
    static let wang = CustomerFields(
        name: "王晓明", emails: [EmailEntry(address: "wangxiaoming88@163.com", primary: true)],
        phones: [PhoneEntry(number: "+8613800138000", label: "mobile", primary: true)],
        addresses: [PostalAddress(country: "CN", province: "浙江省", city: "杭州市", district: "西湖区",
                                  street: "文三路90号阳光花园3栋2单元1202室")],
        birthday: CalendarDate(parsing: "1988-05-17"))

    /// Kevin Zhang with an e-mail and a phone.
    static let kevin = CustomerFields(
        name: "Kevin Zhang", emails: [EmailEntry(address: "kevin.zhang@gmail.com", primary: true)],
        phones: [PhoneEntry(number: "+8613912345678", label: "mobile", primary: true)])

    static func phone(_ typed: String) throws -> [PhoneEntry] {
        [PhoneEntry(number: try PhoneNumber(parsing: typed, defaultRegion: "CN").e164, primary: true)]
    }

    @Test("a copy of a customer with one kind of error scores above the threshold")
    func errorKinds() throws {
        var copies: [(String, CustomerFields, CustomerFields)] = []
        var typo = Self.wang
        typo.name = "王小明"
        copies.append(("Chinese homophone typo", Self.wang, typo))
        var dropped = Self.wang
        dropped.name = "王明"
        copies.append(("Chinese character left out", Self.wang, dropped))
        var latinTypo = Self.kevin
        latinTypo.name = "Kevn Zhang"
        copies.append(("Latin typo", Self.kevin, latinTypo))
        var swapped = Self.kevin
        swapped.name = "Zhang Kevin"
        copies.append(("swapped Latin names", Self.kevin, swapped))
        var swappedChinese = Self.wang
        swappedChinese.name = "晓明 王"
        copies.append(("swapped Chinese names", Self.wang, swappedChinese))
        var missing = Self.wang
        missing.emails = []
        missing.birthday = nil
        copies.append(("missing e-mail and birthday", Self.wang, missing))
        var onlyAddress = Self.wang
        onlyAddress.emails = []
        onlyAddress.phones = []
        copies.append(("only the name and address left", Self.wang, onlyAddress))
        let typings = ["138 0013 8000", "+86-138-0013-8000", "0086 13800138000", "(+86) 13800138000", "１３８００１３８０００"]
        for typed in typings {
            var reformatted = Self.wang
            reformatted.phones = try Self.phone(typed)
            copies.append(("phone typed \(typed)", Self.wang, reformatted))
        }
        var fullWidth = Self.kevin
        // Raw full-width text, as if it had bypassed the parser: the scorer folds it itself.
        fullWidth.name = "ＫＥＶＩＮ\u{3000}Ｚｈａｎｇ"
        fullWidth.phones = [PhoneEntry(number: "＋８６１３９１２３４５６７８")]
        copies.append(("full-width name and phone", Self.kevin, fullWidth))
        var recased = Self.kevin
        recased.emails = [EmailEntry(address: "Kevin.Zhang@GMAIL.com")]
        recased.phones = []
        copies.append(("e-mail in capitals", Self.kevin, recased))
        var abbreviated = Self.wang
        abbreviated.phones = []
        abbreviated.emails = []
        abbreviated.addresses = [PostalAddress(province: "浙江", city: "杭州", street: "文三路90号阳光花园3-2-1202")]
        copies.append(("abbreviated address", Self.wang, abbreviated))

        for (kind, original, copy) in copies {
            let score = DuplicateScorer.score(original, copy)
            #expect(score.value >= Self.threshold, "\(kind): \(score)")
        }
    }

    @Test("two people called 张伟 in Hangzhou with their own phones and birthdays score low")
    func namesakes() {
        let first = CustomerFields(
            name: "张伟", phones: [PhoneEntry(number: "+8613800138000", label: "mobile")],
            addresses: [PostalAddress(city: "杭州市", street: "人民路56号锦绣家园3栋1单元502室")],
            birthday: CalendarDate(parsing: "1985-03-02"))
        var second = CustomerFields(
            name: "张伟", phones: [PhoneEntry(number: "+8613955554444", label: "mobile")],
            addresses: [PostalAddress(city: "杭州市", street: "解放路12号和园8栋2单元1101室")],
            birthday: CalendarDate(parsing: "1992-11-20"))
        #expect(DuplicateScorer.score(first, second).value < 0.2)
        second.birthday = nil
        #expect(DuplicateScorer.score(first, second).value < Self.threshold)
        second.addresses = []
        #expect(DuplicateScorer.score(first, second).value < Self.threshold)
        let reasons = DuplicateScorer.score(first, second).reasons
        #expect(reasons.contains("same name") && reasons.contains("no phone in common"))
    }

    @Test("relatives sharing a home and its landline, with their own mobiles, score low")
    func household() {
        let home = PostalAddress(city: "南京市", street: "环城中路303号锦绣家园31栋2单元401室")
        let landline = PhoneEntry(number: "+862568550883", label: "home")
        let father = CustomerFields(
            name: "秦建国", phones: [PhoneEntry(number: "+8613800138000", label: "mobile"), landline],
            addresses: [home])
        let daughter = CustomerFields(
            name: "秦思琪", phones: [PhoneEntry(number: "+8618912345678", label: "mobile"), landline],
            addresses: [home])
        let score = DuplicateScorer.score(father, daughter)
        #expect(score.value < 0.2, "\(score)")
        #expect(score.reasons.contains("different mobile phones"))
    }

    @Test("a missing value counts neither for nor against")
    func missingValuesNeutral() {
        var copy = Self.wang
        copy.phones = []
        var withoutPhone = Self.wang
        withoutPhone.phones = []
        #expect(DuplicateScorer.score(Self.wang, copy).value == DuplicateScorer.score(withoutPhone, copy).value)
        var noBirthday = Self.wang
        noBirthday.birthday = nil
        var bothWithout = noBirthday
        bothWithout.name = "王小明"
        var other = Self.wang
        other.name = "王小明"
        #expect(DuplicateScorer.score(noBirthday, other).value == DuplicateScorer.score(noBirthday, bothWithout).value)
        #expect(!DuplicateScorer.score(noBirthday, other).reasons.contains { $0.contains("birthday") })
    }

    @Test("a different birthday counts against, a different year less so")
    func birthdays() {
        let base = CustomerFields(name: "王晓明", birthday: CalendarDate(parsing: "1988-05-17"))
        func copy(born birthday: String) -> CustomerFields {
            CustomerFields(name: "王晓明", birthday: CalendarDate(parsing: birthday))
        }
        let equal = DuplicateScorer.score(base, copy(born: "1988-05-17"))
        let differentYear = DuplicateScorer.score(base, copy(born: "1989-05-17"))
        let different = DuplicateScorer.score(base, copy(born: "1990-01-01"))
        #expect(equal.value > differentYear.value && differentYear.value > different.value)
        #expect(equal.value >= Self.threshold && differentYear.value < Self.threshold)
        #expect(different.reasons == ["same name", "different birthdays"])
    }

    @Test("reasons say what agrees, strongest first, then what disagrees")
    func reasons() throws {
        var copy = Self.wang
        copy.name = "王小明"
        copy.emails = [EmailEntry(address: "xm.wang@126.com")]
        let reasons = DuplicateScorer.score(Self.wang, copy).reasons
        #expect(reasons.first == "same phone +8613800138000")
        #expect(reasons.contains("same birthday 1988-05-17"))
        #expect(reasons.contains("same street address"))
        #expect(reasons.contains("same city 杭州"))
        let against = try #require(reasons.firstIndex(of: "no e-mail in common"))
        #expect(reasons.firstIndex(of: "same city 杭州")! < against)
        #expect(reasons.contains { $0.hasPrefix("names ") && $0.hasSuffix("% alike") })
    }

    @Test("a shared social handle names its network")
    func socialHandle() {
        let a = CustomerFields(name: "林静", social: [SocialHandle(network: "wechat", handle: "lin:jing_88")])
        let b = CustomerFields(name: "林静", social: [SocialHandle(network: "WeChat", handle: "Lin:Jing_88")])
        let score = DuplicateScorer.score(a, b)
        #expect(score.reasons.first == "same wechat handle lin:jing_88")
        #expect(score.value >= Self.threshold)
    }

    @Test("a person and an organisation with the same name are kept apart")
    func kinds() {
        let person = CustomerFields(kind: .person, name: "Summit Trading")
        let company = CustomerFields(kind: .organization, name: "Summit Trading")
        let score = DuplicateScorer.score(person, company)
        #expect(score.reasons.contains("person vs organisation"))
        #expect(score.value < Self.threshold)
    }

    @Test("the score is in 0…1 and does not depend on the order of the pair")
    func symmetricAndBounded() {
        var samples = [Self.wang, Self.kevin, CustomerFields(name: ""),
                       CustomerFields(kind: .organization, name: "杭州云帆贸易有限公司")]
        var variant = Self.wang
        variant.name = "晓明王"
        variant.phones.append(PhoneEntry(number: "+8657188881234", label: "home"))
        variant.emails.append(EmailEntry(address: "wxm@qq.com"))
        samples.append(variant)
        var moved = Self.kevin
        moved.addresses = [PostalAddress(city: "Shanghai", street: "88 Century Avenue"),
                           PostalAddress(city: "上海市", street: "世纪大道88号")]
        samples.append(moved)
        for a in samples {
            for b in samples {
                let forward = DuplicateScorer.score(a, b)
                let backward = DuplicateScorer.score(b, a)
                #expect(forward == backward)
                #expect((0...1).contains(forward.value))
            }
        }
    }
}

@Suite struct DuplicateKeysTests {
    @Test("swapped, spaced, capitalised and full-width names share the name key")
    func nameKeys() {
        let keys = ["Zhang Wei", "wei zhang", "ＺＨＡＮＧ　Ｗｅｉ", "Zhang-Wei"].map {
            DuplicateKeys.keys(for: CustomerFields(name: $0)).filter { $0.hasPrefix("n:") }
        }
        #expect(keys.allSatisfy { $0 == ["n:wei zhang"] })
        #expect(DuplicateKeys.keys(for: CustomerFields(name: "张伟"))
                == DuplicateKeys.keys(for: CustomerFields(name: "伟 张")))
    }

    @Test("keys of a full customer: phone, e-mail, name with city and birthday, address numbers")
    func fullCustomer() {
        let keys = Set(DuplicateKeys.keys(for: DuplicateScorerTests.wang))
        #expect(keys.isSuperset(of: [
            "p:+8613800138000", "e:wangxiaoming88@163.com", "n:明 晓 王", "nc:明 晓 王|杭州", "nb:明 晓 王|1988-05-17",
            "bc:1988-05-17|杭州", "fb:王|1988-05-17", "a:杭州|90-3-2-1202",
        ]))
        #expect(keys.count == DuplicateKeys.keys(for: DuplicateScorerTests.wang).count)
    }

    @Test("Gmail ignores dots and tags; other hosts keep dots")
    func canonicalEmail() {
        #expect(DuplicateProfile.canonicalEmail("Zhang.Wei+shop@gmail.com") == "zhangwei@gmail.com")
        #expect(DuplicateProfile.canonicalEmail("zhang.wei@googlemail.com") == "zhangwei@gmail.com")
        #expect(DuplicateProfile.canonicalEmail("zhang.wei+crm@163.com") == "zhang.wei@163.com")
        #expect(DuplicateProfile.canonicalEmail("+tag@163.com") == "+tag@163.com")
    }

    @Test("customers sharing a key become one pair each; a block over the cap is skipped")
    func candidatePairs() {
        let keys = [["p:1", "n:a"], ["p:1", "n:a"], ["n:b"], ["n:a"]]
        #expect(DuplicateKeys.candidatePairs(keys: keys) == [
            DuplicateKeys.Pair(0, 1), DuplicateKeys.Pair(0, 3), DuplicateKeys.Pair(1, 3),
        ])
        let crowd = Array(repeating: ["e:info@example.com"], count: DuplicateKeys.maxBlockSize + 1)
        #expect(DuplicateKeys.candidatePairs(keys: crowd).isEmpty)
        #expect(DuplicateKeys.candidatePairs(keys: Array(crowd.dropLast())).count == 50 * 49 / 2)
        #expect(DuplicateKeys.Pair(5, 2) == DuplicateKeys.Pair(2, 5))
    }
}
