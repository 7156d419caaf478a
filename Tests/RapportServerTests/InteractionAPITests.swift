import Foundation
import RapportCore
import Testing

@Suite("Interactions through the API")
struct InteractionAPITests {
    func call(_ customerID: String, at: Date, channel: String = "phone") -> JSONValue {
        ["customer_id": .string(customerID), "channel": .string(channel), "direction": "outbound",
         "occurred_at": .string(RFC3339.format(at)), "subject": "售后回访", "notes": "客户对新品感兴趣，下周再联系。",
         "outcome": "interested", "duration_seconds": 320, "quality": 4]
    }

    @Test("an interaction is recorded, listed, is a relationship event, and updates the customer's contact stats")
    func record() async throws {
        try await TestApp.run { api in
            let id = try await api.customerID()
            let now = api.clock.now()
            let response = try await api.send(.POST, "/api/v1/interactions", json: call(id, at: now))
            #expect(response.status == .created)
            #expect(response.json["user_id"] == .string(UUIDText.format(api.adminID)))
            #expect(response.json["notes"] == "客户对新品感兴趣，下周再联系。")
            _ = try await api.send(.POST, "/api/v1/interactions",
                                   json: call(id, at: now.addingTimeInterval(-100 * 86_400), channel: "wechat"))
            _ = try await api.send(.POST, "/api/v1/interactions",
                                   json: call(id, at: now.addingTimeInterval(-86_400), channel: "in_person"))
            let customer = try await api.customer(id)
            #expect(customer["last_interaction_at"] == .string(RFC3339.format(now)))
            // The wechat message is older than 90 days.
            #expect(customer["interactions_90d"] == ["phone": 1, "email": 0, "wechat": 0, "social": 0, "chat": 0,
                                                     "in_person": 1, "web": 0, "sms": 0, "other": 0])
            // Interactions alone do not make a prospect a customer.
            #expect(customer["stage"] == "prospect")
            let list = try await api.send(.GET, "/api/v1/customers/\(id)/interactions?limit=2").json
            #expect(list["items"]?.arrayValue?.map { $0["channel"] } == ["phone", "in_person"])
            let cursor = list["next_cursor"]?.stringValue ?? ""
            let rest = try await api.send(.GET, "/api/v1/customers/\(id)/interactions?limit=2&cursor=\(cursor)").json
            #expect(rest["items"]?.arrayValue?.map { $0["channel"] } == ["wechat"])
            let events = try await api.events(id, family: "relationship")
            #expect(events.count == 3)
            #expect(events.allSatisfy { $0["kind"] == "interaction" })
            #expect(events.first?["new_value"]?["subject"] == "售后回访")
        }
    }

    @Test("bad interactions are 422 problems naming every bad field, and write nothing")
    func badInput() async throws {
        try await TestApp.run { api in
            let id = try await api.customerID()
            let now = api.clock.now()
            func document(_ changes: [String: JSONValue]) -> JSONValue {
                var document = call(id, at: now).objectValue ?? [:]
                document.merge(changes) { _, new in new }
                return .object(document.filter { $0.value != .null || changes[$0.key] == nil })
            }
            try await api.expectRejected(422, fields: ["channel", "quality"]) {
                try await api.send(.POST, "/api/v1/interactions", json: document(["channel": "fax", "quality": 6]))
            }
            try await api.expectRejected(422, fields: ["direction", "subject", "duration_seconds"]) {
                try await api.send(.POST, "/api/v1/interactions",
                                   json: document(["direction": .null, "subject": "  ", "duration_seconds": -1]))
            }
            try await api.expectRejected(422, fields: ["user_id"]) {
                try await api.send(.POST, "/api/v1/interactions", json: document(["user_id": .string(UUID().uuidString)]))
            }
            try await api.expectRejected(422, fields: ["customer_id"]) {
                try await api.send(.POST, "/api/v1/interactions",
                                   json: document(["customer_id": .string(UUID().uuidString)]))
            }
            try await api.expectRejected(422, fields: ["mood"]) {
                try await api.send(.POST, "/api/v1/interactions", json: document(["mood": "happy"]))
            }
            try await api.expectRejected(400) {
                try await api.send(.POST, "/api/v1/interactions", body: Data("{\"customer_id\":".utf8))
            }
        }
    }
}
