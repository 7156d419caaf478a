import Foundation
import RapportCore
import Testing

@Suite("Exports through the API")
struct ExportAPITests {
    @Test("customers as CSV and JSON Lines, filtered and scoped; the CSV reads back to the same fields")
    func customers() async throws {
        try await TestApp.run { api in
            let awkward: [String: JSONValue] = [
                "tags": ["vip", "逗号,引号\"", "=SUM(A1)"], "attributes": ["会员等级": "金卡会员", "积分": 1200],
                "phones": [["number": "13800138000"]], "emails": [["address": "a@example.com"], ["address": "b@example.com"]],
                "addresses": [["city": "杭州市", "street": "文三路 90 号\n3 楼"]], "external_ids": ["erp": "E-1"],
            ]
            let first = try await api.customerID("王小明", extra: awkward)
            let second = try await api.customerID("李四", extra: ["tags": ["newsletter"]])
            let agent = try await api.user("agent@example.com", role: .agent, team: "north")
            _ = try await api.customerID("agent's own", token: agent.token)

            let csv = try await api.send(.GET, "/api/v1/exports/customers")
            #expect(csv.status == .ok)
            #expect(csv.headers.first(name: "Content-Type")?.hasPrefix("text/csv") == true)
            #expect(csv.headers.first(name: "Content-Disposition") == "attachment; filename=\"customers.csv\"")
            var reader = try DelimitedTextReader(data: csv.body)
            #expect(reader.header.contains("attribute.会员等级") && reader.header.contains("external_id.erp"))
            let mapping = try CustomerImportMapping(header: reader.header)
            let rows = CustomerImportRow(header: reader.header, mapping: mapping, source: "erp", defaultPhoneRegion: "CN")
            var read: [CustomerFields] = []
            while case .success(let record)? = reader.next() { read.append(try rows.parse(record.fields).fields) }
            let stored = try CustomerFields(document: try await api.customer(first).fieldsOnly())
            #expect(read.count == 3)
            #expect(read.first == stored)

            let lines = try await api.send(.GET, "/api/v1/exports/customers?format=jsonl&filter=" +
                ("tag = \"vip\"".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
            #expect(lines.headers.first(name: "Content-Type")?.hasPrefix("application/x-ndjson") == true)
            let objects = lines.text.split(separator: "\n").map { try? JSONValue.parse(Data($0.utf8)) }
            #expect(objects.count == 1 && objects.first??["id"]?.stringValue == first)

            let scoped = try await api.send(.GET, "/api/v1/exports/customers?format=jsonl", token: agent.token)
            #expect(scoped.text.split(separator: "\n").count == 1 && scoped.text.contains("agent's own"))
            #expect(!scoped.text.contains(second))
        }
    }

    @Test("transactions, interactions and events; bad parameters are named")
    func otherKindsAndBadInput() async throws {
        try await TestApp.run { api in
            let id = try await api.customerID("王小明", extra: ["tags": ["vip"]])
            try await api.purchase(id)
            try await api.purchase(id, unitPrice: 5_000)
            let transactions = try await api.send(.GET, "/api/v1/exports/transactions")
            let text = transactions.text.replacingOccurrences(of: "\u{FEFF}", with: "")
            #expect(text.hasPrefix("id,customer_id,kind,occurred_at"))
            #expect(text.split(separator: "\r\n").count == 3)
            let events = try await api.send(.GET, "/api/v1/exports/events?format=jsonl&filter=tag%20%3D%20%22vip%22")
            let kinds = events.text.split(separator: "\n").compactMap { try? JSONValue.parse(Data($0.utf8))["kind"]?.stringValue }
            #expect(kinds.first == "created" && kinds.filter { $0 == "purchase" }.count == 2)
            #expect(try await api.send(.GET, "/api/v1/exports/events?filter=tag%20%3D%20%22none%22").text
                .split(separator: "\r\n").count == 1)
            #expect(try await api.send(.GET, "/api/v1/exports/interactions?format=jsonl").text.isEmpty)

            let badFormat = try await api.send(.GET, "/api/v1/exports/customers?format=xlsx")
            #expect(badFormat.status == .badRequest && badFormat.text.contains("format"))
            let badFilter = try await api.send(.GET, "/api/v1/exports/customers?filter=tag%20%3D")
            #expect(badFilter.status == .unprocessableEntity && badFilter.text.contains("filter"))
            #expect(try await api.send(.GET, "/api/v1/exports/orders").status == .notFound)
        }
    }
}

extension JSONValue {
    /// A customer as the API shows it, without the server-kept members: its fields' document.
    func fieldsOnly() -> JSONValue {
        .object((objectValue ?? [:]).filter { CustomerFields.keys.contains($0.key) })
    }
}
