import Testing
@testable import RapportCore

@Suite struct PhoneNumberTests {
    /// Parses `raw` and returns its E.164 form.
    private func e164(_ raw: String, _ region: String) throws -> String {
        try PhoneNumber(parsing: raw, defaultRegion: region).e164
    }

    /// The error `PhoneNumber(parsing:defaultRegion:)` should throw.
    private func invalid(_ message: String) -> NormalizationError {
        NormalizationError(code: "invalid_phone", message: message)
    }

    @Test(
        "a CN mobile number in any common spelling",
        arguments: [
            "138 0013 8000", "１３８００１３８０００", "+86 138-0013-8000", "0086 13800138000", "(+86)13800138000",
            "＋８６ １３８ ００１３ ８０００", "13800138000", "138.0013.8000", "138/0013/8000", " 138 0013 8000\n",
            "86 138 0013 8000", "+86 (0)138 0013 8000", "138\u{2013}0013\u{2013}8000", "138ー0013ー8000",
        ]
    )
    func chineseMobile(_ raw: String) throws {
        #expect(try e164(raw, "CN") == "+8613800138000")
    }

    @Test("CN landlines drop the trunk 0")
    func chineseLandlines() throws {
        #expect(try e164("010-6552 9988", "CN") == "+861065529988")
        #expect(try e164("021 1234 5678", "CN") == "+862112345678")
        #expect(try e164("0755-8888 8888", "CN") == "+8675588888888")
        #expect(try e164("+86 10 6552 9988", "CN") == "+861065529988")
    }

    @Test("CN numbers starting 13–19 are mobiles and need exactly 11 digits")
    func chineseMobileLength() {
        #expect(throws: invalid("too few digits for CN")) { try e164("1380013800", "CN") }
        #expect(throws: invalid("too many digits for CN")) { try e164("138001380001", "CN") }
        #expect(throws: invalid("too few digits for CN")) { try e164("+86 1380013800", "US") }
        #expect(throws: invalid("too few digits for CN")) { try e164("01380013800", "CN") }
    }

    @Test("US numbers with and without the trunk 1, and the 011 international prefix")
    func unitedStates() throws {
        #expect(try e164("(415) 555-2671", "US") == "+14155552671")
        #expect(try e164("1 415 555 2671", "US") == "+14155552671")
        #expect(try e164("+1-415-555-2671", "US") == "+14155552671")
        #expect(try e164("011 44 20 7946 0958", "US") == "+442079460958")
        #expect(try e164("00 44 20 7946 0958", "US") == "+442079460958")
    }

    @Test("NANP area codes cannot start with 0 or 1")
    func nanpLeadingDigit() {
        #expect(throws: invalid("US numbers cannot start with 0")) { try e164("041 555 2671", "US") }
        #expect(throws: invalid("CA numbers cannot start with 1")) { try e164("+1 115 555 2671", "CA") }
    }

    @Test(
        "national numbers in each table region",
        arguments: [
            ("020 7946 0958", "GB", "+442079460958"),
            ("07700 900123", "GB", "+447700900123"),
            ("030 123456", "DE", "+4930123456"),
            ("0151 23456789", "DE", "+4915123456789"),
            ("03-1234-5678", "JP", "+81312345678"),
            ("090-1234-5678", "JP", "+819012345678"),
            ("2123 4567", "HK", "+85221234567"),
            ("6212 3456", "MO", "+85362123456"),
            ("02-2345-6789", "TW", "+886223456789"),
            ("0912 345 678", "TW", "+886912345678"),
            ("6123 4567", "SG", "+6561234567"),
            ("010-1234-5678", "KR", "+821012345678"),
            ("02-123-4567", "KR", "+8221234567"),
            ("(02) 9876 5432", "AU", "+61298765432"),
            ("0412 345 678", "AU", "+61412345678"),
            ("01 23 45 67 89", "FR", "+33123456789"),
            ("06 12 34 56 78", "FR", "+33612345678"),
            ("098765 43210", "IN", "+919876543210"),
            ("(416) 555-0199", "CA", "+14165550199"),
            ("06 1234 5678", "IT", "+390612345678"),
            ("312 345 6789", "IT", "+393123456789"),
            ("612 34 56 78", "ES", "+34612345678"),
            ("06 12345678", "NL", "+31612345678"),
            ("8 (912) 345-67-89", "RU", "+79123456789"),
            ("(11) 91234-5678", "BR", "+5511912345678"),
            ("012-345 6789", "MY", "+60123456789"),
            ("081 234 5678", "TH", "+66812345678"),
            ("091 234 56 78", "VN", "+84912345678"),
            ("0917 123 4567", "PH", "+639171234567"),
            ("0812-3456-7890", "ID", "+6281234567890"),
            ("021 123 4567", "NZ", "+64211234567"),
        ]
    )
    func regions(_ raw: String, _ region: String, _ expected: String) throws {
        #expect(try e164(raw, region) == expected)
    }

    @Test("Russian numbers whose area code starts with the trunk digit 8")
    func russianEight() throws {
        #expect(try e164("8 (812) 123-45-67", "RU") == "+78121234567")
        #expect(try e164("812 123 45 67", "RU") == "+78121234567")
        #expect(try e164("8 800 555 35 35", "RU") == "+78005553535")
        #expect(try e164("+7 800 555 35 35", "RU") == "+78005553535")
        #expect(try e164("810 44 20 7946 0958", "RU") == "+442079460958")
    }

    @Test("region-specific international prefixes")
    func internationalPrefixes() throws {
        #expect(try e164("0011 44 20 7946 0958", "AU") == "+442079460958")
        #expect(try e164("010 1 415 555 2671", "JP") == "+14155552671")
        #expect(try e164("002 86 138 0013 8000", "TW") == "+8613800138000")
    }

    @Test("a '+' number keeps its own country code whatever the default region")
    func plusOverridesRegion() throws {
        #expect(try e164("+44 20 7946 0958", "CN") == "+442079460958")
        #expect(try e164("+44 (0)20 7946 0958", "CN") == "+442079460958")
        #expect(try e164("+852 2123 4567", "US") == "+85221234567")
        let number = try PhoneNumber(parsing: "+81 3-1234-5678", defaultRegion: "DE")
        #expect(number.countryCode == 81)
    }

    @Test("calling codes outside the table are accepted with 8–15 digits in all")
    func callingCodesOutsideTable() throws {
        #expect(try e164("+358 40 1234567", "CN") == "+358401234567")
        #expect(try e164("00 971 50 123 4567", "CN") == "+971501234567")
        #expect(try e164("+882 1234 5678", "CN") == "+88212345678")
        #expect(throws: invalid("too few digits for +358")) { try e164("+358 1234", "CN") }
        #expect(throws: invalid("too many digits for +971")) { try e164("+971 1234 5678 9012 3", "CN") }
    }

    @Test(
        "unknown country calling codes are rejected",
        arguments: [
            ("+999 1234 5678", "unknown country calling code +999"),
            ("+0 1234 5678", "unknown country calling code +012"),
            ("+259 1234 5678", "unknown country calling code +259"),
            ("00999 1234 5678", "unknown country calling code +999"),
            ("+", "contains no digits"),
            ("00", "missing country calling code"),
        ]
    )
    func unknownCallingCodes(_ raw: String, _ message: String) {
        #expect(throws: invalid(message)) { try e164(raw, "CN") }
    }

    @Test("the default region must be in the table, in any letter case")
    func defaultRegion() throws {
        #expect(throws: invalid("unknown region XX")) { try e164("138 0013 8000", "XX") }
        #expect(throws: invalid("unknown region ZZ")) { try e164("+44 20 7946 0958", "zz") }
        #expect(try e164("138 0013 8000", "cn") == "+8613800138000")
    }

    @Test(
        "rejects what is not a phone number",
        arguments: [
            ("", "CN", "empty"),
            (" \u{3000} ", "CN", "empty"),
            ("138 0013 800a", "CN", "contains letters"),
            ("+86 138 0013 8000 ext 12", "CN", "contains letters"),
            ("电话 13800138000", "CN", "contains letters"),
            ("138#0013#8000", "CN", "contains invalid character '#'"),
            ("138 0013 8000, 139 0013 9000", "CN", "contains invalid character ','"),
            ("138+0013+8000", "CN", "misplaced '+'"),
            ("++86 138 0013 8000", "CN", "misplaced '+'"),
            ("( ) -", "CN", "contains no digits"),
            ("1234", "CN", "too few digits for CN"),
            ("020 7946 09", "GB", "too few digits for GB"),
            ("415 555 26710", "US", "too many digits for US"),
            ("0912 345", "TW", "too few digits for TW"),
            ("2123 45678", "HK", "too many digits for HK"),
        ]
    )
    func rejects(_ raw: String, _ region: String, _ message: String) {
        #expect(throws: invalid(message)) { try e164(raw, region) }
    }

    @Test("numbers written differently compare equal")
    func equality() throws {
        let written = try PhoneNumber(parsing: "138 0013 8000", defaultRegion: "CN")
        let international = try PhoneNumber(parsing: "+86-138-0013-8000", defaultRegion: "GB")
        #expect(written == international)
        #expect(Set([written, international]).count == 1)
        #expect(written.countryCode == 86)
    }

    @Test("every region named in the requirements is in the table")
    func tableCoverage() {
        let required = [
            "CN", "HK", "MO", "TW", "US", "CA", "GB", "DE", "FR", "JP", "KR", "SG", "AU", "IN", "IT", "ES", "NL", "RU",
            "BR", "MY", "TH", "VN", "PH", "ID", "NZ",
        ]
        for code in required {
            #expect(PhoneRegion.named(code)?.code == code, "missing \(code)")
        }
        #expect(PhoneRegion.named("cn")?.callingCode == 86)
        #expect(PhoneRegion.named("XX") == nil)
        #expect(Set(PhoneRegion.all.map(\.code)).count == PhoneRegion.all.count)
    }

    @Test("every table entry keeps E.164 within 8–15 digits and uses an assigned calling code")
    func tableConsistency() {
        for region in PhoneRegion.all {
            let codeDigits = String(region.callingCode).count
            #expect(PhoneRegion.assignedCallingCodes.contains(region.callingCode), "\(region.code)")
            #expect(codeDigits + region.nationalLengths.lowerBound >= 8, "\(region.code) too short")
            #expect(codeDigits + region.nationalLengths.upperBound <= 15, "\(region.code) too long")
            for lengths in region.lengthsByPrefix.values {
                #expect(region.nationalLengths.contains(lengths.lowerBound), "\(region.code)")
                #expect(region.nationalLengths.contains(lengths.upperBound), "\(region.code)")
            }
        }
    }

    @Test("calling codes match on the longest assigned prefix")
    func callingCodeLookup() {
        #expect(PhoneRegion.callingCode(prefixing: "8613800138000") == 86)
        #expect(PhoneRegion.callingCode(prefixing: "85221234567") == 852)
        #expect(PhoneRegion.callingCode(prefixing: "14155552671") == 1)
        #expect(PhoneRegion.callingCode(prefixing: "79123456789") == 7)
        #expect(PhoneRegion.callingCode(prefixing: "3584012345") == 358)
        #expect(PhoneRegion.callingCode(prefixing: "9991234") == nil)
        #expect(PhoneRegion.callingCode(prefixing: "0123") == nil)
    }
}
