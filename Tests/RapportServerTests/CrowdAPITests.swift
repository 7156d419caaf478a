import Foundation
import RapportCore
import Testing

@Suite("Crowds and the customer filter through the API")
struct CrowdAPITests {
    /// A query parameter's value, percent-encoded (rules are full of `=`, `&`, quotes and Chinese).
    static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }

    /// The names of the customers a list response holds.
    static func names(_ response: TestResponse) -> [String] {
        (response.json["items"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
    }

    @Test("built-in crowds are listed first, found by key, kept current and read-only")
    func builtIns() async throws {
        try await TestApp.run { api in
            let id = try await api.customerID("潜在的")
            let list = try await api.send(.GET, "/api/v1/crowds")
            #expect(list.status == .ok)
            let items = list.json["items"]?.arrayValue ?? []
            #expect(items.compactMap { $0["key"]?.stringValue } == BuiltInCrowd.all.map(\.key))
            #expect(items.first?["name"] == "现有客户")
            #expect(items.first { $0["key"] == "potential" }?["member_count"] == 1)
            #expect(items.first { $0["key"] == "rfm-at-risk" }?["name"] == "流失风险客户")

            try await api.purchase(id)
            let existing = try await api.send(.GET, "/api/v1/crowds/existing")
            #expect(existing.json["member_count"] == 1)
            #expect(existing.json["rule"] == "stage in [new, active, silent]")
            #expect(existing.json["built_in"] == true)
            #expect(try await api.send(.GET, "/api/v1/crowds/potential").json["member_count"] == 0)

            let patch = try await api.send(.PATCH, "/api/v1/crowds/existing", json: ["name": "mine"])
            #expect(patch.status == .forbidden)
            #expect(try await api.send(.DELETE, "/api/v1/crowds/churned").status == .forbidden)
            #expect(try await api.send(.GET, "/api/v1/crowds/no-such-crowd").status == .notFound)
        }
    }

    @Test("a crowd's members enter and leave with each write, as status events; as_of answers who was in it")
    func liveMembership() async throws {
        try await TestApp.run { api in
            let vip = try await api.customerID("王小明", extra: ["tags": ["vip"], "addresses": [["city": "杭州"]]])
            let other = try await api.customerID("李四", extra: ["addresses": [["city": "杭州"]]])
            let created = try await api.send(.POST, "/api/v1/crowds", json: [
                "name": "杭州贵宾", "description": "VIPs in Hangzhou", "rule": #"tag = "vip" and city = "杭州""#,
            ])
            #expect(created.status == .created)
            let crowdID = try #require(created.json["id"]?.stringValue)
            #expect(created.headers.first(name: "Location") == "/api/v1/crowds/\(crowdID)")
            #expect(created.json["member_count"] == 1)
            #expect(created.json["rule_json"]?["and"]?[0]?["field"] == "tag")

            let entered = try await api.events(vip, family: "status").first { $0["kind"] == "crowd_entered"
                && $0["new_value"]?["id"]?.stringValue == crowdID }
            #expect(entered?["new_value"]?["name"] == "杭州贵宾")
            #expect(entered?["field"] == "crowds")
            #expect(entered?["source"] == "rule")

            api.clock.advance(by: 3600)
            let beforeJoin = api.clock.now()
            api.clock.advance(by: 3600)
            _ = try await api.send(.PATCH, "/api/v1/customers/\(other)", json: ["tags": ["vip"]])
            let current = try await api.send(.GET, "/api/v1/crowds/\(crowdID)/members")
            #expect(Self.names(current) == ["李四", "王小明"])
            #expect(try await api.events(other, family: "status").first?["kind"] == "crowd_entered")

            api.clock.advance(by: 3600)
            let bothIn = api.clock.now()
            api.clock.advance(by: 3600)
            _ = try await api.send(.PATCH, "/api/v1/customers/\(vip)", json: ["addresses": [["city": "上海"]]])
            let left = try await api.events(vip, family: "status").first
            #expect(left?["kind"] == "crowd_left")
            #expect(left?["old_value"]?["id"]?.stringValue == crowdID)
            #expect(Self.names(try await api.send(.GET, "/api/v1/crowds/\(crowdID)/members")) == ["李四"])

            func membersAt(_ instant: Date) async throws -> [String] {
                Self.names(try await api.send(
                    .GET, "/api/v1/crowds/\(crowdID)/members?as_of=\(Self.encoded(RFC3339.format(instant)))"))
            }
            #expect(try await membersAt(beforeJoin) == ["王小明"])
            #expect(try await membersAt(bothIn) == ["李四", "王小明"])
            #expect(try await membersAt(api.clock.now()) == ["李四"])

            let detail = try await api.send(.GET, "/api/v1/crowds/\(crowdID)?days=3")
            #expect(detail.json["member_count"] == 1)
            let trend = detail.json["trend"]?.arrayValue ?? []
            #expect(trend.count == 3)
            #expect(trend.last?["date"] == .string(CalendarDate(dayNumber: BusinessDay.number(of: api.clock.now())).description))
            #expect(trend.last?["members"] == 1)
        }
    }

    @Test("editing a rule re-decides the crowd and records who enters and leaves; deleting empties it")
    func editAndDelete() async throws {
        try await TestApp.run { api in
            let big = try await api.customerID("大客户")
            try await api.purchase(big, unitPrice: 600_000)
            let small = try await api.customerID("小客户")
            try await api.purchase(small, unitPrice: 10_000)
            let created = try await api.send(.POST, "/api/v1/crowds", json: [
                "name": "大单", "rule": ["field": "total_spent", "op": ">=", "value": 5000],
            ])
            let crowdID = try #require(created.json["id"]?.stringValue)
            #expect(created.json["rule"] == "total_spent >= 5000")
            #expect(created.json["member_count"] == 1)

            let edited = try await api.send(.PATCH, "/api/v1/crowds/\(crowdID)", json: ["rule": "total_spent >= 100"])
            #expect(edited.status == .ok)
            #expect(edited.json["member_count"] == 2)
            #expect(try await api.events(small, family: "status").first?["kind"] == "crowd_entered")

            let narrowed = try await api.send(.PATCH, "/api/v1/crowds/\(crowdID)",
                                              json: ["rule": "total_spent > 5000", "name": "特大单"])
            #expect(narrowed.json["member_count"] == 1)
            #expect(narrowed.json["name"] == "特大单")
            let exit = try await api.events(small, family: "status").first
            #expect(exit?["kind"] == "crowd_left")
            #expect(exit?["old_value"]?["name"] == "特大单")

            #expect(try await api.send(.DELETE, "/api/v1/crowds/\(crowdID)").status == .noContent)
            #expect(try await api.send(.GET, "/api/v1/crowds/\(crowdID)").status == .notFound)
            #expect(try await api.events(big, family: "status").first?["kind"] == "crowd_left")
        }
    }

    @Test("preview counts and shows the first members without saving anything")
    func preview() async throws {
        try await TestApp.run { api in
            for index in 0..<3 { _ = try await api.customerID("预览\(index)", extra: ["tags": ["茶友"]]) }
            _ = try await api.customerID("别人")
            let crowds = try await api.count("crowds"), events = try await api.count("customer_events")
            let response = try await api.send(.POST, "/api/v1/crowds/preview",
                                              json: ["rule": #"tag = "茶友""#, "limit": 2])
            #expect(response.status == .ok)
            #expect(response.json["count"] == 3)
            #expect((response.json["members"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue } == ["预览2", "预览1"])
            #expect(try await api.count("crowds") == crowds)
            #expect(try await api.count("customer_events") == events)
        }
    }

    @Test("the rule language filters the customer list, with q and cursor pagination")
    func customerFilter() async throws {
        try await TestApp.run { api in
            for index in 0..<5 {
                _ = try await api.customerID("会员\(index)", extra: ["tags": index.isMultiple(of: 2) ? ["vip"] : []])
            }
            let filter = Self.encoded(#"tag = "vip""#)
            let first = try await api.send(.GET, "/api/v1/customers?filter=\(filter)&limit=2")
            #expect(Self.names(first) == ["会员4", "会员2"])
            let cursor = try #require(first.json["next_cursor"]?.stringValue)
            let second = try await api.send(.GET, "/api/v1/customers?filter=\(filter)&limit=2&cursor=\(cursor)")
            #expect(Self.names(second) == ["会员0"])
            let searched = try await api.send(.GET, "/api/v1/customers?filter=\(filter)&q=\(Self.encoded("会员2"))")
            #expect(Self.names(searched) == ["会员2"])
            let negated = try await api.send(.GET, "/api/v1/customers?filter=\(Self.encoded(#"not tag = "vip""#))")
            #expect(Self.names(negated) == ["会员3", "会员1"])
        }
    }

    @Test("bad rules are 422s naming the position or the fields, change nothing, and SQL in a string is just text")
    func badRules() async throws {
        try await TestApp.run { api in
            let injected = "x' OR 1=1 --"
            _ = try await api.customerID(injected)
            _ = try await api.customerID("正常")
            let crowds = try await api.count("crowds")

            let syntax = try await api.send(.GET, "/api/v1/customers?filter=\(Self.encoded("orders_count >= "))")
            #expect(syntax.status == .unprocessableEntity)
            #expect(syntax.json["errors"]?[0]?["field"] == "filter")
            #expect(syntax.json["errors"]?[0]?["message"] == "column 17: expected a value after '>='")

            let unknown = try await api.send(.POST, "/api/v1/crowds", json: ["name": "x", "rule": "colour = 1"])
            #expect(unknown.status == .unprocessableEntity)
            let message = unknown.json["errors"]?[0]?["message"]?.stringValue ?? ""
            #expect(message.contains("unknown field 'colour'") && message.contains("last_purchase_at"))

            let deep = String(repeating: "(", count: 33) + "tier = high" + String(repeating: ")", count: 33)
            let tooDeep = try await api.send(.POST, "/api/v1/crowds/preview", json: ["rule": .string(deep)])
            #expect(tooDeep.status == .unprocessableEntity)
            #expect(tooDeep.json["errors"]?[0]?["message"]?.stringValue?.contains("deeper than 32") == true)
            let many = Array(repeating: "orders_count > 1", count: 101).joined(separator: " or ")
            let tooMany = try await api.send(.POST, "/api/v1/crowds", json: ["name": "x", "rule": .string(many)])
            #expect(tooMany.status == .unprocessableEntity)
            let jsonForm = try await api.send(.POST, "/api/v1/crowds", json: [
                "name": "x", "rule": ["and": [["field": "stage", "op": "=", "value": "vip"]]],
            ])
            #expect(jsonForm.status == .unprocessableEntity)
            #expect(jsonForm.json["errors"]?[0]?["field"] == "rule.and[0].value")
            let missing = try await api.send(.POST, "/api/v1/crowds", json: ["rule": 5, "extra": true])
            #expect(Set((missing.json["errors"]?.arrayValue ?? []).compactMap { $0["field"]?.stringValue })
                == ["extra", "name", "rule"])
            #expect(try await api.count("crowds") == crowds)

            let literal = Self.encoded("name = \"x' OR 1=1 --\"")
            #expect(Self.names(try await api.send(.GET, "/api/v1/customers?filter=\(literal)")) == [injected])
            let dropped = Self.encoded(#"name = "'; DROP TABLE customers; --""#)
            #expect(Self.names(try await api.send(.GET, "/api/v1/customers?filter=\(dropped)")) == [])
            #expect(try await api.count("customers") == 2)
        }
    }

    @Test("an agent's counts, members and previews cover only the customers they may see; agents cannot define crowds")
    func scoping() async throws {
        try await TestApp.run { api in
            let alice = try await api.user("alice@rapport.test", role: .agent, team: "east")
            let bob = try await api.user("bob@rapport.test", role: .agent, team: "west")
            _ = try await api.customerID("甲", token: alice.token, extra: ["tags": ["vip"]])
            _ = try await api.customerID("乙", token: bob.token, extra: ["tags": ["vip"]])
            _ = try await api.customerID("丙", token: bob.token, extra: ["tags": ["vip"]])
            let created = try await api.send(.POST, "/api/v1/crowds", json: ["name": "VIP", "rule": #"tag = "vip""#])
            let crowdID = try #require(created.json["id"]?.stringValue)
            #expect(created.json["member_count"] == 3)

            let seen = try await api.send(.GET, "/api/v1/crowds/\(crowdID)", token: alice.token)
            #expect(seen.json["member_count"] == 1)
            #expect(seen.json["trend"]?.arrayValue?.last?["members"] == 1)
            let members = try await api.send(.GET, "/api/v1/crowds/\(crowdID)/members", token: bob.token)
            #expect(Self.names(members) == ["丙", "乙"])
            let listed = try await api.send(.GET, "/api/v1/crowds", token: alice.token).json["items"]?.arrayValue
            #expect(listed?.first { $0["id"]?.stringValue == crowdID }?["member_count"] == 1)
            #expect(listed?.first { $0["key"] == "potential" }?["member_count"] == 1)
            let preview = try await api.send(.POST, "/api/v1/crowds/preview", token: alice.token,
                                             json: ["rule": #"tag = "vip""#])
            #expect(preview.json["count"] == 1)
            let filtered = try await api.send(.GET, "/api/v1/customers?filter=\(Self.encoded(#"tag = "vip""#))",
                                              token: bob.token)
            #expect(Self.names(filtered) == ["丙", "乙"])

            let refused = try await api.send(.POST, "/api/v1/crowds", token: alice.token,
                                             json: ["name": "mine", "rule": "tier = high"])
            #expect(refused.status == .forbidden)
            #expect(try await api.send(.DELETE, "/api/v1/crowds/\(crowdID)", token: bob.token).status == .forbidden)
        }
    }
}
