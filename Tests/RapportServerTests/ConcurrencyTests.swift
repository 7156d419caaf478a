import Foundation
import RapportCore
import Testing

@Suite("Optimistic concurrency and idempotent POST")
struct ConcurrencyTests {
    @Test("a stale If-Match is a 412 with the current ETag, and changes nothing")
    func staleETag() async throws {
        try await TestApp.run { api in
            let id = try #require(try await api.createCustomer(["name": "甲"])["id"]?.stringValue)
            let path = "/api/v1/customers/\(id)"
            #expect(try await api.send(.PATCH, path, headers: [("If-Match", "\"1\"")], json: ["name": "乙"]).status == .ok)
            let stale = try await api.send(.PATCH, path, headers: [("If-Match", "\"1\"")], json: ["name": "丙"])
            #expect(stale.status == .preconditionFailed)
            #expect(stale.headers.first(name: "ETag") == "\"2\"")
            #expect(try await api.send(.DELETE, path, headers: [("If-Match", "W/\"1\"")]).status == .preconditionFailed)
            #expect(try await api.send(.GET, path).json["name"] == "乙")
            #expect(try await api.send(.PATCH, path, headers: [("If-Match", "*")], json: ["name": "丁"]).status == .ok)
        }
    }

    @Test("two writers with the same ETag: exactly one wins, the other gets 412")
    func twoWritersOneWins() async throws {
        try await TestApp.run { api in
            let id = try #require(try await api.createCustomer(["name": "争"])["id"]?.stringValue)
            let path = "/api/v1/customers/\(id)"
            async let first = api.send(.PATCH, path, headers: [("If-Match", "\"1\"")], json: ["name": "甲方"])
            async let second = api.send(.PATCH, path, headers: [("If-Match", "\"1\"")], json: ["name": "乙方"])
            let statuses = try await [first.status.code, second.status.code].sorted()
            #expect(statuses == [200, 412])
        }
    }

    @Test("concurrent writers without If-Match lose no update")
    func noLostUpdate() async throws {
        try await TestApp.run { api in
            let id = try #require(try await api.createCustomer(["name": "并发"])["id"]?.stringValue)
            let path = "/api/v1/customers/\(id)"
            try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<12 {
                    group.addTask {
                        let patch: JSONValue = ["attributes": [.init(stringLiteral: "k\(index)"): .number(Double(index))]]
                        return Int(try await api.send(.PATCH, path, json: patch).status.code)
                    }
                }
                for try await status in group { #expect(status == 200) }
            }
            let final = try await api.send(.GET, path)
            #expect(final.json["attributes"]?.objectValue?.count == 12)
            #expect(final.headers.first(name: "ETag") == "\"13\"")
        }
    }

    @Test("Idempotency-Key replays the first response and creates one row")
    func idempotentCreate() async throws {
        try await TestApp.run { api in
            let headers = [("Idempotency-Key", "order-7781")]
            let first = try await api.send(.POST, "/api/v1/customers", headers: headers, json: ["name": "一次"])
            let again = try await api.send(.POST, "/api/v1/customers", headers: headers, json: ["name": "一次"])
            #expect(first.status == .created)
            #expect(again.status == .created)
            #expect(again.body == first.body)
            #expect(again.headers.first(name: "Location") == first.headers.first(name: "Location"))
            #expect(again.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(try await api.count("customers") == 1)

            let reused = try await api.send(.POST, "/api/v1/customers", headers: headers, json: ["name": "两次"])
            #expect(reused.status == .unprocessableEntity)
            #expect(try await api.count("customers") == 1)

            let other = try await api.send(.POST, "/api/v1/customers", headers: [("Idempotency-Key", "order-7782")],
                                           json: ["name": "一次"])
            #expect(other.status == .created)
            #expect(try await api.count("customers") == 2)
        }
    }

    @Test("a rejected request frees its Idempotency-Key for the corrected retry")
    func failedRequestReleasesKey() async throws {
        try await TestApp.run { api in
            let headers = [("Idempotency-Key", "retry-1")]
            let bad = try await api.send(.POST, "/api/v1/customers", headers: headers, json: ["name": "A", "emails": [["address": "x"]]])
            #expect(bad.status == .unprocessableEntity)
            let fixed = try await api.send(.POST, "/api/v1/customers", headers: headers, json: ["name": "A"])
            #expect(fixed.status == .created)
            #expect(try await api.count("customers") == 1)
        }
    }

    @Test("the same key from another user is a different key")
    func keysArePerUser() async throws {
        try await TestApp.run { api in
            let other = try await api.user("agent@example.com", role: .agent, team: "east")
            let headers = [("Idempotency-Key", "shared")]
            #expect(try await api.send(.POST, "/api/v1/customers", headers: headers, json: ["name": "A"]).status == .created)
            #expect(try await api.send(.POST, "/api/v1/customers", token: other.token, headers: headers, json: ["name": "A"]).status == .created)
            #expect(try await api.count("customers") == 2)
        }
    }
}

@Suite("Large request bodies")
struct LargeBodyTests {
    @Test("a body that arrives in many reads is read once and answered, with and without Idempotency-Key")
    func streamedBody() async throws {
        try await TestApp.run { api in
            // Big enough to reach the server as a stream of reads, under the 1 MiB limit.
            let notes = String(repeating: "长备注 long note ", count: 12_000)
            let document: JSONValue = ["name": "大客户", "attributes": ["notes": .string(String(notes.prefix(60)))],
                                       "tags": .array((0..<50).map { .string("tag-\($0)-" + String(notes.prefix(40))) })]
            var text = document.encodedText()
            text.removeLast()
            text += ", \"source\": \"" + String(repeating: " ", count: 300_000) + "web\"}"
            let withKey = try await api.send(.POST, "/api/v1/customers", headers: [("Idempotency-Key", "big-1")],
                                             body: Data(text.utf8))
            #expect(withKey.status == .created)
            #expect(withKey.json["source"] == "web")
            let replay = try await api.send(.POST, "/api/v1/customers", headers: [("Idempotency-Key", "big-1")],
                                            body: Data(text.utf8))
            #expect(replay.headers.first(name: "Idempotent-Replayed") == "true")
            let withoutKey = try await api.send(.POST, "/api/v1/customers", body: Data(text.utf8))
            #expect(withoutKey.status == .created)
            #expect(try await api.count("customers") == 2)
        }
    }
}
