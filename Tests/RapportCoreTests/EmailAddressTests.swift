import Testing
@testable import RapportCore

@Suite struct EmailAddressTests {
    @Test("trims and lower-cases")
    func trimsAndLowercases() throws {
        #expect(try EmailAddress.normalize("  Alice.Wang@Example.COM ") == "alice.wang@example.com")
    }

    @Test("full-width input is folded to ASCII")
    func fullWidth() throws {
        #expect(try EmailAddress.normalize("ａｌｉｃｅ＠ｅｘａｍｐｌｅ．ｃｏｍ") == "alice@example.com")
    }

    @Test(
        "accepts ordinary and unusual but valid addresses",
        arguments: [
            ("first.last+tag@mail.example.co.uk", "first.last+tag@mail.example.co.uk"),
            ("o'brien@example.ie", "o'brien@example.ie"),
            ("a_b-c!#$%&*/=?^`{|}~@sub-domain.example.org", "a_b-c!#$%&*/=?^`{|}~@sub-domain.example.org"),
            ("x@xn--fiqs8s.cn", "x@xn--fiqs8s.cn"),
            ("user@123.example.com", "user@123.example.com"),
        ]
    )
    func accepts(_ raw: String, _ expected: String) throws {
        #expect(try EmailAddress.normalize(raw) == expected)
    }

    @Test("internationalised domains are kept in Unicode, lower-cased")
    func unicodeDomains() throws {
        #expect(try EmailAddress.normalize("Alice@Bücher.DE") == "alice@bücher.de")
        #expect(try EmailAddress.normalize("王小明@例子.中国") == "王小明@例子.中国")
        #expect(try EmailAddress.normalize("info@ตัวอย่าง.ไทย") == "info@ตัวอย่าง.ไทย")
    }

    @Test(
        "rejects malformed addresses with a message saying why",
        arguments: [
            ("alice", "missing '@'"),
            ("alice@", "missing domain after '@'"),
            ("@example.com", "missing local part before '@'"),
            ("a@b", "domain has no dot"),
            ("a..b@example.com", "local part has two dots in a row"),
            ("a b@example.com", "local part contains spaces or control characters"),
            ("alice@-example.com", "domain label '-example' starts or ends with a hyphen"),
            ("alice@example-.com", "domain label 'example-' starts or ends with a hyphen"),
            ("alice@example.123", "top-level domain is all digits"),
            ("", "empty"),
            ("   ", "empty"),
            ("alice@@example.com", "more than one '@'"),
            ("a@b@example.com", "more than one '@'"),
            (".alice@example.com", "local part starts or ends with a dot"),
            ("alice.@example.com", "local part starts or ends with a dot"),
            ("alice@example.com.", "domain starts or ends with a dot"),
            ("alice@.example.com", "domain starts or ends with a dot"),
            ("alice@example..com", "domain has two dots in a row"),
            ("alice@exa_mple.com", "domain contains '_'"),
            ("alice@[192.168.0.1]", "domain contains '['"),
            ("alice,bob@example.com", "local part contains ','"),
            ("\"alice\"@example.com", "local part contains '\"'"),
            ("al\u{0007}ice@example.com", "local part contains spaces or control characters"),
            ("alice\u{200B}@example.com", "local part contains spaces or control characters"),
            ("alice@exa mple.com", "domain contains spaces or control characters"),
            ("alice@例子。中国", "domain has no dot"),
        ]
    )
    func rejects(_ raw: String, _ message: String) {
        #expect(throws: NormalizationError(code: "invalid_email", message: message)) {
            try EmailAddress.normalize(raw)
        }
    }

    @Test("the local part may be 64 bytes but not 65")
    func localPartLimit() throws {
        let local = String(repeating: "a", count: 64)
        #expect(try EmailAddress.normalize("\(local)@example.com") == "\(local)@example.com")
        #expect(throws: NormalizationError(code: "invalid_email", message: "local part is longer than 64 bytes")) {
            try EmailAddress.normalize("\(local)a@example.com")
        }
    }

    @Test("the local part limit counts UTF-8 bytes, not characters")
    func localPartBytes() {
        let local = String(repeating: "王", count: 22)  // 66 bytes
        #expect(throws: NormalizationError(code: "invalid_email", message: "local part is longer than 64 bytes")) {
            try EmailAddress.normalize("\(local)@example.com")
        }
    }

    @Test("a domain label may be 63 bytes but not 64")
    func labelLimit() throws {
        let label = String(repeating: "b", count: 63)
        #expect(try EmailAddress.normalize("a@\(label).com") == "a@\(label).com")
        let long = label + "b"
        #expect(
            throws: NormalizationError(code: "invalid_email", message: "domain label '\(long)' is longer than 63 bytes")
        ) {
            try EmailAddress.normalize("a@\(long).com")
        }
    }

    @Test("the domain may not exceed 253 bytes")
    func domainLimit() {
        let domain = Array(repeating: String(repeating: "d", count: 50), count: 5).joined(separator: ".") + ".com"
        #expect(domain.utf8.count == 258)
        #expect(throws: NormalizationError(code: "invalid_email", message: "domain is longer than 253 bytes")) {
            try EmailAddress.normalize("a@\(domain)")
        }
    }

    @Test("the whole address may be 254 bytes but not 255")
    func totalLimit() throws {
        let local = String(repeating: "a", count: 64)
        func address(lastLabel: Int) -> String {
            let labels = [63, 63, lastLabel].map { String(repeating: "d", count: $0) }
            return "\(local)@" + labels.joined(separator: ".") + ".com"
        }
        #expect(address(lastLabel: 57).utf8.count == 254)
        #expect(try EmailAddress.normalize(address(lastLabel: 57)) == address(lastLabel: 57))
        #expect(throws: NormalizationError(code: "invalid_email", message: "address is longer than 254 bytes")) {
            try EmailAddress.normalize(address(lastLabel: 58))
        }
    }
}
