import Foundation
import RapportCore
import Testing

@Suite("Duplicates: scan, review, merge, dismiss and undo through the API")
struct DuplicateAPITests {
    /// Everything the API shows of a customer: the record, every event, transactions and interactions.
    static func everything(_ api: TestApp, _ id: String) async throws -> [String: JSONValue] {
        [
            "customer": try await api.customer(id),
            "events": .array(try await api.send(.GET, "/api/v1/customers/\(id)/events?limit=200")
                .json["items"]?.arrayValue ?? []),
            "transactions": try await api.send(.GET, "/api/v1/customers/\(id)/transactions?limit=200").json,
            "interactions": try await api.send(.GET, "/api/v1/customers/\(id)/interactions?limit=200").json,
        ]
    }

    /// Two records of one customer (a reformatted phone, a typo in the name, e-mail only on one) and a namesake in
    /// the same city who is someone else. The second record has more purchases, so it survives a merge.
    static func records(_ api: TestApp) async throws -> (first: String, second: String, namesake: String) {
        let first = try await api.customerID("张伟", extra: [
            "phones": [["number": "13800138000"]], "emails": [["address": "zw@example.com"]],
            "birthday": "1990-05-01", "addresses": [["city": "杭州市", "street": "文三路 90 号 3-1202"]],
            "tags": ["vip"], "external_ids": ["erp": "E-1"], "team": "south", "consent": ["sms": true],
        ])
        try await api.purchase(first)
        _ = try await api.send(.POST, "/api/v1/interactions", json: [
            "customer_id": .string(first), "channel": "phone", "direction": "outbound",
            "occurred_at": .string(RFC3339.format(api.clock.now())), "subject": "回访", "notes": "想要新茶",
        ])
        api.clock.advance(by: 3600)
        let second = try await api.customerID("张玮", extra: [
            "phones": [["number": "+86 138-0013-8000"]], "birthday": "1990-05-01",
            "addresses": [["city": "杭州市", "district": "西湖区"]], "tags": ["老客户"], "team": "north",
        ])
        try await api.purchase(second)
        try await api.purchase(second)
        let namesake = try await api.customerID("张伟", extra: [
            "phones": [["number": "13912345678"]], "birthday": "1985-11-20", "addresses": [["city": "杭州市"]],
        ])
        api.clock.advance(by: 3600)
        // The first record's team was set after the second record's: the merged record takes it.
        _ = try await api.send(.PATCH, "/api/v1/customers/\(first)", json: ["team": "east"])
        return (first, second, namesake)
    }

    @Test("a scan queues the pair, not the namesake; a merge joins them; undo restores both exactly")
    func mergeAndUndo() async throws {
        try await TestApp.run { api in
            let (first, second, namesake) = try await Self.records(api)
            let before = [first: try await Self.everything(api, first), second: try await Self.everything(api, second)]
            let firstNumber = try #require(before[first]?["customer"]?["number"]?.stringValue)
            let secondNumber = try #require(before[second]?["customer"]?["number"]?.stringValue)

            let scan = try await api.send(.POST, "/api/v1/duplicates/scan", json: [:])
            #expect(scan.status == .ok)
            #expect(scan.json["customers"] == 3 && scan.json["added"] == 1 && scan.json["merged"] == 0)
            let queue = try await api.send(.GET, "/api/v1/duplicates")
            let items = queue.json["items"]?.arrayValue ?? []
            #expect(items.count == 1)
            let pair = try #require(items.first)
            #expect(pair["customers"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [first, second])
            #expect((pair["score"]?.numberValue ?? 0) >= DuplicateScorer.defaultThreshold)
            #expect(pair["reasons"]?.arrayValue?.contains { $0.stringValue?.contains("phone") == true } == true)
            #expect(!(queue.text.contains(namesake)))
            let candidateID = try #require(pair["id"]?.stringValue)

            let merge = try await api.send(.POST, "/api/v1/duplicates/\(candidateID)/merge")
            #expect(merge.status == .ok)
            let survivor = try #require(merge.json["survivor"])
            #expect(survivor["id"]?.stringValue == second)
            #expect(survivor["name"] == "张玮")
            #expect(survivor["team"] == "east")
            #expect(survivor["phones"]?.arrayValue?.count == 1)
            #expect(survivor["emails"]?[0]?["address"] == "zw@example.com")
            #expect(survivor["tags"] == ["老客户", "vip"])
            #expect(survivor["external_ids"] == ["erp": "E-1"])
            #expect(survivor["consent"] == ["sms": true])
            #expect(survivor["addresses"]?.arrayValue?.count == 2)
            #expect(survivor["orders_count"] == 3)
            #expect(merge.json["merged"]?["archived_at"] != .null)
            let mergeID = try #require(merge.json["id"]?.stringValue)
            let survivorEvents = try await api.send(.GET, "/api/v1/customers/\(second)/events?limit=200")
                .json["items"]?.arrayValue ?? []
            #expect(survivorEvents.contains { $0["kind"] == "merged" && $0["new_value"]?["merged"]?.stringValue == firstNumber })
            #expect(survivorEvents.filter { $0["kind"] == "purchase" }.count == 3)
            #expect(survivorEvents.contains { $0["kind"] == "interaction" })
            let mergedEvents = try await api.send(.GET, "/api/v1/customers/\(first)/events?family=info")
                .json["items"]?.arrayValue ?? []
            #expect(mergedEvents.prefix(2).compactMap { $0["kind"]?.stringValue }.sorted() == ["archived", "merged_into"])
            #expect(mergedEvents.contains { $0["new_value"]?["survivor"]?.stringValue == secondNumber })
            #expect(try await api.send(.GET, "/api/v1/duplicates").json["items"]?.arrayValue?.isEmpty == true)
            #expect(try await api.send(.GET, "/api/v1/duplicates?status=merged").json["items"]?[0]?["merge_id"]?
                .stringValue == mergeID)
            // The merged record's external ID and phone now lead to the survivor.
            let byPhone = try await api.send(.GET, "/api/v1/customers?q=13800138000").json["items"]?.arrayValue ?? []
            #expect(byPhone.compactMap { $0["id"]?.stringValue } == [second])

            let undo = try await api.send(.POST, "/api/v1/merges/\(mergeID)/undo")
            #expect(undo.status == .ok)
            #expect(undo.json["status"] == "undone")
            for id in [first, second] {
                let after = try await Self.everything(api, id)
                for key in ["customer", "events", "transactions", "interactions"] {
                    #expect(after[key] == before[id]?[key], "\(key) of \(id) differs after undo")
                }
            }
            #expect(try await api.send(.GET, "/api/v1/duplicates").json["items"]?[0]?["id"]?.stringValue == candidateID)
            #expect(try await api.send(.POST, "/api/v1/merges/\(mergeID)/undo").status == .conflict)
        }
    }

    @Test("undo is refused once a merged customer has changed; dismissed pairs stay dismissed")
    func undoAfterChangeAndDismiss() async throws {
        try await TestApp.run { api in
            let (_, second, _) = try await Self.records(api)
            _ = try await api.send(.POST, "/api/v1/duplicates/scan", json: ["min_score": 0.8])
            let candidateID = try #require(try await api.send(.GET, "/api/v1/duplicates").json["items"]?[0]?["id"]?
                .stringValue)
            let mergeID = try #require(try await api.send(.POST, "/api/v1/duplicates/\(candidateID)/merge")
                .json["id"]?.stringValue)
            #expect(try await api.send(.POST, "/api/v1/duplicates/\(candidateID)/merge").status == .conflict)
            _ = try await api.send(.PATCH, "/api/v1/customers/\(second)", json: ["team": "west"])
            let refused = try await api.send(.POST, "/api/v1/merges/\(mergeID)/undo")
            #expect(refused.status == .conflict)
            #expect(refused.text.contains("changed since the merge"))
            #expect(try await api.customer(second)["team"] == "west")
        }
        try await TestApp.run { api in
            _ = try await Self.records(api)
            _ = try await api.send(.POST, "/api/v1/duplicates/scan", json: [:])
            let candidateID = try #require(try await api.send(.GET, "/api/v1/duplicates").json["items"]?[0]?["id"]?
                .stringValue)
            let dismissed = try await api.send(.POST, "/api/v1/duplicates/\(candidateID)/dismiss")
            #expect(dismissed.json["status"] == "dismissed")
            let again = try await api.send(.POST, "/api/v1/duplicates/scan", json: [:])
            #expect(again.json["added"] == 0)
            #expect(try await api.send(.GET, "/api/v1/duplicates").json["items"]?.arrayValue?.isEmpty == true)
            #expect(try await api.send(.POST, "/api/v1/duplicates/\(candidateID)/merge").status == .conflict)
        }
    }

    @Test("agents may not review duplicates; bad input names the parameter and changes nothing")
    func accessAndBadInput() async throws {
        try await TestApp.run { api in
            _ = try await Self.records(api)
            let agent = try await api.user("agent@example.com", role: .agent, team: "north")
            #expect(try await api.send(.GET, "/api/v1/duplicates", token: agent.token).status == .forbidden)
            #expect(try await api.send(.POST, "/api/v1/duplicates/scan", token: agent.token, json: [:]).status
                == .forbidden)
            let badScore = try await api.send(.POST, "/api/v1/duplicates/scan", json: ["min_score": 2])
            #expect(badScore.status == .unprocessableEntity)
            #expect(badScore.text.contains("min_score"))
            let unknown = try await api.send(.POST, "/api/v1/duplicates/scan", json: ["threshold": 0.9])
            #expect(unknown.status == .unprocessableEntity && unknown.text.contains("threshold"))
            #expect(try await api.count("duplicate_candidates") == 0)
            let badStatus = try await api.send(.GET, "/api/v1/duplicates?status=maybe")
            #expect(badStatus.status == .badRequest && badStatus.text.contains("status"))
            #expect(try await api.send(.GET, "/api/v1/duplicates?cursor=zzz").status == .badRequest)
            let missing = "/api/v1/duplicates/\(UUIDText.format(UUID()))/merge"
            #expect(try await api.send(.POST, missing).status == .notFound)
            #expect(try await api.send(.POST, "/api/v1/merges/\(UUIDText.format(UUID()))/undo").status == .notFound)
            #expect(try await api.send(.POST, "/api/v1/merges/not-an-id/undo").status == .notFound)
        }
    }
}
