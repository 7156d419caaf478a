import Foundation
import RapportCore
import Testing

@Suite("Change history, as_of and the change feed")
struct HistoryAPITests {
    /// SplitMix64, so a failing sequence can be replayed from its seed.
    struct SeededRandom: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// One random edit, as the request that makes it.
    static func randomEdit(_ random: inout SeededRandom) -> (method: String, body: JSONValue?) {
        switch Int.random(in: 0..<8, using: &random) {
        case 0: return ("PATCH", ["name": .string("客户-\(Int.random(in: 0..<1000, using: &random))")])
        case 1: return ("PATCH", ["tags": .array((0..<Int.random(in: 0...3, using: &random)).map { .string("t\($0)") })])
        case 2: return ("PATCH", ["attributes": [.init(stringLiteral: "k\(Int.random(in: 0..<3, using: &random))"):
                                                  .number(Double(Int.random(in: 0..<100, using: &random)))]])
        case 3: return ("PATCH", ["source": Bool.random(using: &random) ? "web" : nil])
        case 4: return ("PATCH", ["emails": [["address": .string("u\(Int.random(in: 0..<99, using: &random))@x.cn")]]])
        case 5: return ("PATCH", ["consent": ["sms": Bool.random(using: &random) ? true : nil]])
        case 6: return ("DELETE", nil)
        default: return ("RESTORE", nil)
        }
    }

    @Test("as_of at each step of a random edit sequence equals the state after that step", arguments: [1, 2, 3] as [UInt64])
    func asOfReplaysEveryStep(seed: UInt64) async throws {
        try await TestApp.run { api in
            var random = SeededRandom(state: seed)
            let created = try await api.createCustomer(["name": "起点", "tags": ["start"]])
            let id = try #require(created["id"]?.stringValue)
            var snapshots: [(time: Date, customer: JSONValue)] = [(api.clock.now(), created)]
            for _ in 0..<25 {
                api.clock.advance(by: Double(Int.random(in: 1...5000, using: &random)) / 1000)
                let edit = Self.randomEdit(&random)
                let path = "/api/v1/customers/\(id)"
                let response = switch edit.method {
                case "PATCH": try await api.send(.PATCH, path, json: edit.body)
                case "DELETE": try await api.send(.DELETE, path)
                default: try await api.send(.POST, path + "/restore")
                }
                #expect(response.status == .ok, "seed \(seed): \(edit) → \(response.text)")
                snapshots.append((api.clock.now(), response.json))
            }
            for (index, snapshot) in snapshots.enumerated() {
                let asOf = RFC3339.format(snapshot.time)
                let view = try await api.send(.GET, "/api/v1/customers/\(id)?as_of=\(asOf)")
                #expect(view.status == .ok)
                var shown = view.json.objectValue ?? [:]
                #expect(shown.removeValue(forKey: "as_of") != nil)
                let expected = snapshot.customer.objectValue ?? [:]
                let differing = Set(shown.keys).union(expected.keys).filter { shown[$0] != expected[$0] }.sorted()
                #expect(differing.isEmpty, "seed \(seed), step \(index): \(differing.map { "\($0): \(shown[$0].map { $0.encodedText() } ?? "-") ≠ \(expected[$0].map { $0.encodedText() } ?? "-")" })")
            }
        }
    }

    @Test("as_of before the customer existed is a 404; a malformed as_of is a 400 naming it")
    func asOfBounds() async throws {
        try await TestApp.run { api in
            let before = api.clock.now().addingTimeInterval(-1)
            api.clock.advance(by: 10)
            let id = try #require(try await api.createCustomer(["name": "晚到"])["id"]?.stringValue)
            let stamp = RFC3339.format(before)
            #expect(try await api.send(.GET, "/api/v1/customers/\(id)?as_of=\(stamp)").status == .notFound)
            let offset = try await api.send(.GET, "/api/v1/customers/\(id)?as_of=2099-01-01T08:00:00%2B08:00")
            #expect(offset.status == .ok)
            for bad in ["yesterday", "2026-13-01T00:00:00Z", "2026-01-01"] {
                let response = try await api.send(.GET, "/api/v1/customers/\(id)?as_of=\(bad)")
                #expect(response.status == .badRequest)
                #expect(response.errorFields == ["as_of"])
                #expect(response.headers.first(name: "Content-Type")?.hasPrefix("application/problem+json") == true)
            }
        }
    }

    @Test("a PATCH writes one event per changed field, with old and new values, actor and source")
    func oneEventPerField() async throws {
        try await TestApp.run { api in
            let id = try #require(try await api.createCustomer(["name": "张三", "tags": ["a"]])["id"]?.stringValue)
            api.clock.advance(by: 5)
            _ = try await api.send(.PATCH, "/api/v1/customers/\(id)", json: ["name": "张三丰", "tags": ["a", "b"], "team": "east"])
            let events = (try await api.send(.GET, "/api/v1/customers/\(id)/events").json["items"]?.arrayValue ?? [])
                .filter { $0["field"] != "crowds" }
            #expect(events.count == 4)
            let changes = events.filter { $0["kind"] == "field_changed" }
            #expect(Set(changes.compactMap { $0["field"]?.stringValue }) == ["name", "tags", "team"])
            let name = try #require(changes.first { $0["field"] == "name" })
            #expect(name["old_value"] == "张三")
            #expect(name["new_value"] == "张三丰")
            #expect(name["family"] == "info")
            #expect(name["source"] == "api")
            #expect(name["actor"]?["type"] == "token")
            #expect(changes.first { $0["field"] == "team" }?["old_value"] == .null)
            let created = try #require(events.last)
            #expect(created["kind"] == "created")
            #expect(created["new_value"]?["name"] == "张三")
        }
    }

    @Test("a customer's events page newest first with a cursor and filter by family")
    func timelinePages() async throws {
        try await TestApp.run { api in
            let id = try #require(try await api.createCustomer(["name": "翻页"])["id"]?.stringValue)
            for index in 1...4 {
                api.clock.advance(by: 1)
                _ = try await api.send(.PATCH, "/api/v1/customers/\(id)", json: ["name": .string("翻页\(index)")])
            }
            var seen: [String] = []
            var cursor: String?
            repeat {
                let suffix = cursor.map { "&cursor=\($0)" } ?? ""
                let page = try await api.send(.GET, "/api/v1/customers/\(id)/events?limit=2\(suffix)")
                #expect(page.status == .ok)
                seen += page.json["items"]?.arrayValue?.filter { $0["field"] != "crowds" }
                    .compactMap { $0["new_value"]?["name"]?.stringValue ?? $0["new_value"]?.stringValue } ?? []
                cursor = page.json["next_cursor"]?.stringValue
            } while cursor != nil
            #expect(seen == ["翻页4", "翻页3", "翻页2", "翻页1", "翻页"])
            let status = try await api.send(.GET, "/api/v1/customers/\(id)/events?family=status")
            #expect(status.json["items"]?.arrayValue?.map { $0["kind"] } == ["crowd_entered"])
            let bad = try await api.send(.GET, "/api/v1/customers/\(id)/events?family=gossip")
            #expect(bad.status == .badRequest)
            #expect(bad.errorFields == ["family"])
        }
    }

    @Test("the change feed resumes exactly after the last seq it gave, oldest first")
    func feedResumes() async throws {
        try await TestApp.run { api in
            for index in 0..<3 { _ = try await api.createCustomer(["name": .string("F\(index)")]) }
            let first = try await api.send(.GET, "/api/v1/events?limit=2")
            let seqs = first.json["items"]?.arrayValue?.compactMap { $0["seq"] } ?? []
            #expect(seqs == [1, 2])
            let after = try #require(first.json["next_cursor"]?.stringValue)
            #expect(after == "2")
            _ = try await api.createCustomer(["name": "F3"])
            let rest = try await api.send(.GET, "/api/v1/events?after=\(after)")
            // Each creation is followed by the new customer's entry into 潜在客户.
            #expect(rest.json["items"]?.arrayValue?.compactMap { $0["seq"] } == [3, 4, 5, 6, 7, 8])
            #expect(rest.json["items"]?[4]?["new_value"]?["name"] == "F3")
            #expect(rest.json["items"]?[5]?["kind"] == "crowd_entered")
            let empty = try await api.send(.GET, "/api/v1/events?after=8")
            #expect(empty.json["items"] == [])
            #expect(empty.json["next_cursor"] == .null)
            #expect(try await api.send(.GET, "/api/v1/events?after=-1").status == .badRequest)
        }
    }
}
