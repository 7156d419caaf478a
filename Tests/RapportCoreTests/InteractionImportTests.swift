import Foundation
import Testing
@testable import RapportCore

@Suite("Importing interactions: channels, directions, durations and JSON Lines")
struct InteractionImportTests {
    static let header = ["客户编号", "渠道", "方向", "时间", "主题", "备注", "时长", "评分", "记录编号"]
    let documents = InteractionImportDocument(defaultPhoneRegion: "CN")

    func reader(_ header: [String] = Self.header) throws -> InteractionImportRow {
        InteractionImportRow(header: header, mapping: try ImportMapping(header: header), reader: documents,
                             zone: TimeZone(identifier: "Asia/Shanghai")!)
    }

    func parse(_ cells: [String: String], header: [String] = Self.header) throws -> InteractionImport {
        var all = ["客户编号": "E-1", "渠道": "电话", "方向": "呼出", "时间": "2026-01-31 14:05", "主题": "回访"]
        all.merge(cells) { $1 }
        return try reader(header).parse(header.map { all[$0] ?? "" })
    }

    @Test("channels as people write them", arguments: [
        ("电话", InteractionChannel.phone), ("微信", .wechat), ("企业微信", .wechat), ("邮件", .email), ("面谈", .inPerson),
        ("拜访", .inPerson), ("上门", .inPerson), ("短信", .sms), ("在线客服", .chat), ("WeChat", .wechat),
        ("in_person", .inPerson), ("In Person", .inPerson), ("Phone", .phone), ("其他", .other),
    ])
    func channels(text: String, channel: InteractionChannel) throws {
        #expect(try parse(["渠道": text]).input.channel == channel)
    }

    @Test("a row becomes the API's interaction: direction, time in the file's zone, duration, rating")
    func row() throws {
        let parsed = try parse(["方向": "呼入", "时长": "5分30秒", "评分": "★★★★☆", "备注": "客户询问新品", "记录编号": "CALL-7"])
        #expect(parsed.customer == CustomerReference(externalID: "E-1"))
        #expect(parsed.input.direction == .inbound)
        #expect(RFC3339.format(parsed.input.occurredAt) == "2026-01-31T06:05:00.000Z")
        #expect(parsed.input.durationSeconds == 330)
        #expect(parsed.input.quality == 4)
        #expect(parsed.input.notes == "客户询问新品" && parsed.input.subject == "回访")
        #expect(parsed.externalID == "CALL-7" && parsed.id == nil)
    }

    @Test("without a subject the first line of the notes is the subject; without a direction column, outbound")
    func defaults() throws {
        let header = ["手机", "方式", "日期", "内容"]
        let parsed = try reader(header).parse(["13800138000", "拜访", "2026-01-31", "带样品上门\n客户满意"])
        #expect(parsed.input.subject == "带样品上门" && parsed.input.notes == "带样品上门\n客户满意")
        #expect(parsed.input.direction == .outbound && parsed.input.channel == .inPerson)
        #expect(parsed.customer.phones == ["+8613800138000"])
    }

    @Test("a bad cell is reported under the file's column title", arguments: [
        (["渠道": "飞鸽"], "渠道"), (["方向": "横向"], "方向"), (["时间": "上周"], "时间"), (["时长": "很久"], "时长"),
        (["评分": "6"], "评分"), (["评分": "好"], "评分"), (["主题": ""], "主题"), (["客户编号": ""], "客户编号"),
        (["时长": "-5"], "时长"),
    ] as [([String: String], String)])
    func badCells(cells: [String: String], column: String) {
        #expect {
            try parse(cells)
        } throws: { error in
            (error as? ValidationError)?.errors.first?.field == column
        }
    }

    @Test("a file without its channel, time, customer or subject is refused")
    func missingColumns() {
        #expect {
            try ImportMapping<InteractionColumn>(header: ["结果"])
        } throws: { error in
            (error as? ValidationError)?.errors.map(\.code) == ["no_customer", "no_occurred_at", "no_channel",
                                                                "no_subject"]
        }
    }

    @Test("JSON Lines: the API's interaction with reference keys, its ID or external ID")
    func jsonLines() throws {
        let base: [String: JSONValue] = [
            "customer_email": "XM@Example.com", "channel": "phone", "direction": "inbound",
            "occurred_at": "2026-01-31T14:05:00+08:00", "subject": "咨询",
        ]
        let exported = try documents.parse(.object(base.merging([
            "id": "0d6a2f3e-7b1c-4f5e-9a8b-1c2d3e4f5a6b", "recorded_at": "2026-01-31T06:05:00Z",
        ]) { $1 }))
        #expect(exported.id == UUIDText.parse("0d6a2f3e-7b1c-4f5e-9a8b-1c2d3e4f5a6b"))
        #expect(exported.customer.emails == ["xm@example.com"])
        let external = try documents.parse(.object(base.merging(["id": 77]) { $1 }))
        #expect(external.id == nil && external.externalID == "77")
        #expect(invalidFields { () throws(ValidationError) in
            try documents.parse(.object(base.merging(["channel": "电话", "mood": "good"]) { $1 }))
        } == ["channel", "mood"])
    }
}
