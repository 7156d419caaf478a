import Foundation
import Testing
@testable import RapportCore

@Suite("Customer documents built directly are what JSONEncoder writes")
struct CustomerDocumentTests {
    static func jsonEncoderText<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static let samples: [CustomerFields] = [
        CustomerFields(name: "A"),
        CustomerFields(
            kind: .organization, name: "杭州云帆贸易有限公司 \"quoted\" \\ back",
            emails: [EmailEntry(address: "a@b.cn", primary: true), EmailEntry(address: "c@d.com", label: "work")],
            phones: [PhoneEntry(number: "+8613800138000", label: "mobile", primary: true)],
            social: [SocialHandle(network: "wechat", handle: "yunfan_01")],
            addresses: [PostalAddress(country: "CN", province: "浙江省", city: "杭州市", district: "西湖区",
                                      street: "文三路 90 号", postalCode: "310012")],
            tags: ["vip", "企业客户"],
            attributes: ["score": 1.5, "visits": 12, "nested": ["a": [1, "two", nil, true]], "big": 9_007_199_254_740_992,
                         "line\nbreak": "tab\there", "empty": [:], "list": []],
            ownerID: UUID(uuidString: "6F9619FF-8B86-D011-B42D-00C04FC964FF"), team: "north", source: "tmall",
            birthday: CalendarDate(parsing: "1990-02-28"), consent: Consent(email: true, sms: false),
            externalIDs: ["shop": "S0001234", "erp": "9"]),
        CustomerFields(
            name: "B", emails: [EmailEntry(address: "x@y.cn")], phones: [PhoneEntry(number: "+12025550123")],
            addresses: [PostalAddress(label: "home"), PostalAddress(city: "上海市", postalCode: "200000")],
            birthday: CalendarDate(parsing: "0999-12-01"), consent: Consent(phone: false, wechat: true)),
    ]

    @Test("documents are what JSONEncoder writes", arguments: samples)
    func sameAsJSONEncoder(_ fields: CustomerFields) throws {
        #expect(fields.documentText == (try Self.jsonEncoderText(fields)))
        #expect(try JSONValue.parse(Data(fields.documentText.utf8)) == fields.document)
        #expect(try CustomerFields(document: fields.document) == fields)
    }
}
