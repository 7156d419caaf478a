import Foundation
import Testing
@testable import RapportCore

@Suite("Customer import: column mapping and rows")
struct CustomerImportTests {
    @Test("common Chinese and English headers are recognised; the rest become attributes")
    func automaticMapping() throws {
        let header = ["姓名", "手机号码", "E-mail", "详细地址", "城市", "省份", "生日", "标签", "客户编号", "会员等级"]
        let mapping = try CustomerImportMapping(header: header)
        #expect(mapping.columns == [.name, .phone, .email, .street, .city, .province, .birthday, .tags, .externalID,
                                    .attribute("会员等级")])
        #expect(try CustomerImportMapping(header: ["Customer Name", "Mobile", "ZIP", "Ｔｅｌ"]).columns
            == [.name, .phone, .postalCode, .phone])
    }

    @Test("--map overrides the guess, and its mistakes name what is wrong")
    func overrides() throws {
        let overrides = try CustomerImportMapping.overrides("手机号=phone，客户编号＝external_id, 短信=consent.sms, 备注=ignore")
        #expect(overrides == ["手机号": .phone, "客户编号": .externalID, "短信": .consent("sms"), "备注": .ignore])
        let mapping = try CustomerImportMapping(header: ["名字", "手机号", "短信", "备注"],
                                                overrides: ["名字": .name, "短信": .consent("sms"), "备注": .ignore])
        #expect(mapping.columns == [.name, .phone, .consent("sms"), .ignore])
        #expect(throws: ValidationError.self) { try CustomerImportMapping.overrides("手机号=telephone") }
        #expect(throws: ValidationError.self) { try CustomerImportMapping.overrides("no equals sign") }
        #expect {
            try CustomerImportMapping(header: ["姓名"], overrides: ["手机": .phone])
        } throws: { error in
            (error as? ValidationError)?.errors.first?.message.contains("not a column of the file") == true
        }
        #expect {
            try CustomerImportMapping(header: ["姓名", "客户名称"])
        } throws: { error in
            (error as? ValidationError)?.errors.first?.message == "columns '姓名' and '客户名称' both map to name; "
                + "map one of them elsewhere with --map"
        }
        #expect {
            try CustomerImportMapping(header: ["手机"])
        } throws: { error in (error as? ValidationError)?.errors.first?.code == "no_name" }
    }

    let header = ["姓名", "手机", "邮箱", "城市", "生日", "标签", "客户编号", "类型", "短信", "会员等级"]

    func row() throws -> CustomerImportRow {
        let mapping = try CustomerImportMapping(header: header, overrides: ["短信": .consent("sms")])
        return CustomerImportRow(header: header, mapping: mapping, source: "erp", defaultPhoneRegion: "CN")
    }

    @Test("a row becomes a normalised customer: several contacts in a cell, dates and flags as spreadsheets write them")
    func goodRow() throws {
        let fields = try row().fields(of: ["王小明", "138 0013 8000；139-0013-9000", "XiaoMing@Example.COM",
                                           "上海市", "1990年3月8日", "vip、茶友", "C-77", "个人", "是", "金卡"])
        #expect(fields.name == "王小明")
        #expect(fields.phones.map(\.number) == ["+8613800138000", "+8613900139000"])
        #expect(fields.emails.map(\.address) == ["xiaoming@example.com"])
        #expect(fields.addresses.first?.city == "上海市")
        #expect(fields.birthday?.description == "1990-03-08")
        #expect(fields.tags == ["vip", "茶友"])
        #expect(fields.externalIDs == ["erp": "C-77"])
        #expect(fields.kind == .person)
        #expect(fields.consent.sms == true)
        #expect(fields.attributes == ["会员等级": .string("金卡")])
    }

    @Test("birthdays in several formats", arguments: [
        ("1990-03-08", "1990-03-08"), ("1990/3/8", "1990-03-08"), ("1990.03.08", "1990-03-08"),
        ("19900308", "1990-03-08"), ("1990年3月8日", "1990-03-08"), ("1990-03-08 00:00:00", "1990-03-08"),
        ("32940", "1990-03-08"), ("１９９０－０３－０８", "1990-03-08"),
    ])
    func dates(text: String, expected: String) {
        #expect(ImportCells.date(text)?.description == expected)
    }

    @Test("a bad row is rejected with reasons under the file's own column titles", arguments: [
        (["", "13800138000", "", "", "", "", "", "", "", ""], "姓名"),
        (["甲", "", "not-an-email", "", "", "", "", "", "", ""], "邮箱"),
        (["甲", "", "", "", "1990-02-30", "", "", "", "", ""], "生日"),
        (["甲", "", "", "", "", "", "", "外星人", "", ""], "类型"),
        (["甲", "", "", "", "", "", "", "", "也许", ""], "短信"),
        (["甲", "12", "", "", "", "", "", "", "", ""], "手机"),
    ])
    func badRows(record: [String], column: String) throws {
        let reader = try row()
        #expect {
            try reader.fields(of: record)
        } throws: { error in
            (error as? ValidationError)?.errors.first?.field == column
        }
    }

    @Test("an imported row updates only what it gives, joins contact points and tags, and a second time changes nothing")
    func merging() throws {
        let reader = try row()
        var current = CustomerFields(name: "王晓明", emails: [EmailEntry(address: "old@shop.cn", primary: true)],
                                     tags: ["老客户"], birthday: CalendarDate(parsing: "1990-03-08"))
        current.attributes = ["会员等级": .string("银卡"), "积分": .string("100")]
        let (fields, given) = try reader.parse(["王小明", "13800138000", "", "", "", "vip", "C-77", "", "", "金卡"])
        #expect(given == ["name", "phones", "tags", "external_ids", "attributes"])
        let merged = current.merging(fields, given: given)
        #expect(merged.name == "王小明")
        #expect(merged.emails.map(\.address) == ["old@shop.cn"])
        #expect(merged.phones.map(\.number) == ["+8613800138000"])
        #expect(merged.phones.first?.primary == true)
        #expect(merged.tags == ["老客户", "vip"])
        #expect(merged.birthday?.description == "1990-03-08")
        #expect(merged.attributes == ["会员等级": .string("金卡"), "积分": .string("100")])
        #expect(merged.externalIDs == ["erp": "C-77"])
        #expect(merged.merging(fields, given: given) == merged)
    }
}
