import Foundation
import RapportCore
import Testing

/// A small shop: enough buyers to fit the value model, each with its own rhythm.
private struct Shop {
    let api: TestApp
    /// Buys every 7 days for a year, then stopped 100 days ago.
    let lapsedWeekly: String
    /// Buys every 20 days up to now.
    let steady: String
    /// Never bought.
    let prospect: String
    static let day: TimeInterval = 86_400

    static func open(_ api: TestApp) async throws -> Shop {
        let now = api.clock.now()
        func ago(_ days: Int) -> Date { now.addingTimeInterval(-Double(days) * day) }
        // Regular buyers with different rhythms and basket sizes, so the fit has repeat customers to learn from.
        for index in 0..<24 {
            let id = try await api.customerID("顾客\(index)")
            let gap = 12 + index * 3
            var days = 400 - index * 7
            while days >= 0 {
                try await api.purchase(id, unitPrice: 5_000 + index * 700 + (days % 3) * 900, at: ago(days))
                days -= gap + (index % 2 == 0 ? 0 : index % 5)
            }
        }
        for index in 0..<6 {
            try await api.purchase(try await api.customerID("新客\(index)"), at: ago(5 + index * 40))
        }
        let lapsedWeekly = try await api.customerID("周周来")
        for week in 0..<52 { try await api.purchase(lapsedWeekly, unitPrice: 9_900, at: ago(100 + week * 7)) }
        let steady = try await api.customerID("老顾客")
        for step in 0..<20 { try await api.purchase(steady, unitPrice: 20_000, at: ago(step * 20)) }
        return Shop(api: api, lapsedWeekly: lapsedWeekly, steady: steady, prospect: try await api.customerID("路人"))
    }
}

@Suite("Customer value, churn warnings and recommendations through the API")
struct AnalyticsAPITests {
    @Test("a recompute fits the model, scores every buyer and writes nothing when run again")
    func recomputeAndValue() async throws {
        try await TestApp.run { api in
            let shop = try await Shop.open(api)
            #expect(try await api.send(.GET, "/api/v1/analytics/model").status == .notFound)
            let first = try await api.send(.POST, "/api/v1/lifecycle/recompute")
            #expect(first.status == .ok)
            #expect(first.json["analytics"]?["scored"] == 32)
            #expect(first.json["analytics"]?["values_written"] == 32)
            #expect(first.json["analytics"]?["skipped"] == .null)

            let model = try await api.send(.GET, "/api/v1/analytics/model")
            #expect(model.status == .ok)
            #expect(model.json["customers"] == 32)
            #expect(model.json["time_unit"] == "day")
            #expect(model.json["money_unit"] == "minor units of CNY")
            let r = try #require(model.json["bgnbd"]?["r"]?.numberValue)
            #expect(r > 0 && r.isFinite)
            #expect(model.json["gamma_gamma"]?["p"]?.numberValue != nil)

            let value = try await api.send(.GET, "/api/v1/customers/\(shop.steady)/value")
            #expect(value.status == .ok)
            let json = value.json
            for score in ["r", "f", "m"] {
                let number = try #require(json["rfm"]?[score]?.numberValue)
                #expect((1...5).contains(Int(number)))
            }
            #expect(json["rfm"]?["r"] == 5)
            let group = try #require(json["rfm"]?["group"]?.stringValue)
            #expect(RFMGroup(rawValue: group) != nil)
            #expect(json["rfm"]?["group_zh"] == .string(RFMGroup(rawValue: group)!.chineseName))
            #expect(["A", "B", "C"].contains(json["abc"]?.stringValue ?? ""))
            #expect(json["tier"] == "high")
            let d30 = try #require(json["expected_purchases"]?["d30"]?.numberValue)
            let d90 = try #require(json["expected_purchases"]?["d90"]?.numberValue)
            let d365 = try #require(json["expected_purchases"]?["d365"]?.numberValue)
            #expect(0 < d30 && d30 < d90 && d90 < d365)
            #expect((json["clv_minor"]?.numberValue ?? 0) > 0)
            #expect((json["p_alive"]?.numberValue ?? 0) > 0.5)
            #expect(json["churn"]?["explanation"]?.stringValue?.hasPrefix("no purchase for 0 days; usual gap 20 days")
                == true)
            #expect(json["model"]?["time_unit"] == "day")
            #expect(json["model"]?["as_of"] == .string(RFC3339.format(api.clock.now())))

            let none = try await api.send(.GET, "/api/v1/customers/\(shop.prospect)/value")
            #expect(none.status == .notFound)
            #expect(none.json["detail"]?.stringValue?.contains("no purchase") == true)

            let events = try await api.count("customer_events")
            let again = try await api.send(.POST, "/api/v1/lifecycle/recompute")
            #expect(again.json["analytics"]?["values_written"] == 0)
            #expect(again.json["analytics"]?["events"] == 0)
            #expect(again.json["events"] == 0)
            #expect(try await api.count("customer_events") == events)
        }
    }

    @Test("changes of RFM group and ABC class are status events with the old and the new class; the first is none")
    func classChanges() async throws {
        try await TestApp.run { api in
            let shop = try await Shop.open(api)
            _ = try await api.send(.POST, "/api/v1/lifecycle/recompute")
            let before = try await api.send(.GET, "/api/v1/customers/\(shop.steady)/value").json
            let first = try await api.events(shop.steady, family: "status").compactMap { $0["kind"]?.stringValue }
            #expect(Set(first).isDisjoint(with: ["tier_changed", "abc_changed", "rfm_group_changed"]))
            // A year and more without purchases: nobody has revenue in the last 12 months, so everyone is class C,
            // and nobody has purchases in the RFM window any more.
            api.clock.advance(by: 400 * Shop.day)
            _ = try await api.send(.POST, "/api/v1/lifecycle/recompute")
            let after = try await api.send(.GET, "/api/v1/customers/\(shop.steady)/value").json
            #expect(after["abc"] == "C")
            let events = try await api.events(shop.steady, family: "status")
            let abc = events.first { $0["kind"] == "abc_changed" }
            #expect(abc?["field"] == "abc")
            #expect(abc?["old_value"] == before["abc"])
            #expect(abc?["new_value"] == "C")
            let group = events.first { $0["kind"] == "rfm_group_changed" }
            #expect(group?["old_value"] == before["rfm"]?["group"])
            #expect(group?["new_value"] == after["rfm"]?["group"])
            #expect(before["rfm"]?["group"] != after["rfm"]?["group"])
        }
    }

    @Test("a weekly buyer gone quiet: P(alive) marks it churned, it tops the churn warnings, its drop is an event once")
    func lapsedCustomer() async throws {
        try await TestApp.run { api in
            let shop = try await Shop.open(api)
            _ = try await api.send(.POST, "/api/v1/lifecycle/recompute")
            let value = try await api.send(.GET, "/api/v1/customers/\(shop.lapsedWeekly)/value").json
            let pAlive = try #require(value["p_alive"]?.numberValue)
            #expect(pAlive < 0.2)
            let explanation = try #require(value["churn"]?["explanation"]?.stringValue)
            #expect(explanation.hasPrefix("no purchase for 100 days; usual gap 7 days; P(alive) "))
            #expect(explanation.contains("; CLV at risk ¥"))

            // The rhythm alone says silent (churned only after 180 days); P(alive) says churned.
            let customer = try await api.customer(shop.lapsedWeekly)
            #expect(customer["stage"] == "churned")
            #expect(customer["stage_rule"] == "churned_by_p_alive")

            let shifts = try await api.events(shop.lapsedWeekly, family: "transaction").filter {
                $0["kind"] == "frequency_dropped"
            }
            #expect(shifts.count == 1)
            #expect(shifts.first?["new_value"]?["recent_purchase_days"] == 0)
            _ = try await api.send(.POST, "/api/v1/lifecycle/recompute")
            #expect(try await api.events(shop.lapsedWeekly, family: "transaction").filter {
                $0["kind"] == "frequency_dropped"
            }.count == 1)

            let warnings = try await api.send(.GET, "/api/v1/analytics/churn-warnings?min_risk=0.5")
            #expect(warnings.status == .ok)
            let items = try #require(warnings.json["items"]?.arrayValue)
            #expect(items.contains { $0["customer_id"] == .string(shop.lapsedWeekly) })
            #expect(!items.contains { $0["customer_id"] == .string(shop.steady) })
            let atRisk = items.compactMap { $0["value_at_risk_minor"]?.numberValue }
            #expect(atRisk == atRisk.sorted(by: >))
            #expect(items.allSatisfy { ($0["risk"]?.numberValue ?? 0) >= 0.5 })

            // Paging one at a time visits the same warnings in the same order.
            var paged: [JSONValue] = []
            var cursor: String? = nil
            repeat {
                let page = try await api.send(
                    .GET, "/api/v1/analytics/churn-warnings?min_risk=0.5&limit=1" + (cursor.map { "&cursor=\($0)" } ?? ""))
                paged += page.json["items"]?.arrayValue ?? []
                cursor = page.json["next_cursor"]?.stringValue
            } while cursor != nil
            #expect(paged.map { $0["customer_id"] } == items.map { $0["customer_id"] })
        }
    }

    @Test("bad parameters are 400s naming the parameter; agents see only their customers' values and warnings")
    func badInputAndScoping() async throws {
        try await TestApp.run { api in
            let shop = try await Shop.open(api)
            _ = try await api.send(.POST, "/api/v1/lifecycle/recompute")
            for (query, parameter) in [("min_risk=2", "min_risk"), ("min_risk=abc", "min_risk"),
                                       ("cursor=nonsense", "cursor"), ("limit=0", "limit")] {
                let response = try await api.send(.GET, "/api/v1/analytics/churn-warnings?\(query)")
                #expect(response.status == .badRequest, "\(query)")
                #expect(response.text.contains(parameter), "\(query)")
            }
            #expect(try await api.send(.GET, "/api/v1/customers/not-an-id/value").status == .notFound)

            let agent = try await api.user("agent@example.com", role: .agent, team: "华东")
            #expect(try await api.send(.GET, "/api/v1/customers/\(shop.steady)/value", token: agent.token).status
                == .notFound)
            #expect(try await api.send(.GET, "/api/v1/customers/\(shop.steady)/recommendations", token: agent.token)
                .status == .notFound)
            let warnings = try await api.send(.GET, "/api/v1/analytics/churn-warnings?min_risk=0", token: agent.token)
            #expect(warnings.json["items"]?.arrayValue?.isEmpty == true)
            let mine = try await api.customerID("我的客户", token: agent.token)
            try await api.purchase(mine, at: api.clock.now().addingTimeInterval(-200 * Shop.day), token: agent.token)
            _ = try await api.send(.POST, "/api/v1/lifecycle/recompute")
            let own = try await api.send(.GET, "/api/v1/analytics/churn-warnings?min_risk=0", token: agent.token)
            #expect(own.json["items"]?.arrayValue?.map { $0["customer_id"] } == [.string(mine)])
            #expect(try await api.send(.GET, "/api/v1/customers/\(mine)/value", token: agent.token).status == .ok)
        }
    }

    @Test("next products: what buyers of a product bought with it, with the reason")
    func recommendations() async throws {
        try await TestApp.run { api in
            _ = try await Shop.open(api)
            func basket(_ customer: String, _ lines: [(String, String)]) async throws {
                let document: JSONValue = .object([
                    "customer_id": .string(customer), "kind": "purchase",
                    "occurred_at": .string(RFC3339.format(api.clock.now())), "currency": "CNY",
                    "lines": .array(lines.map { sku, name in
                        ["sku": .string(sku), "name": .string(name), "quantity": 1, "unit_price_minor": 1000]
                    }),
                    "amount_minor": .number(Double(1000 * lines.count)),
                ])
                let response = try await api.send(.POST, "/api/v1/transactions", json: document)
                #expect(response.status == .created, "\(response.text)")
            }
            for index in 0..<5 {
                try await basket(try await api.customerID("茶友\(index)"), [("GIFT-TEA", "绿茶礼盒"), ("CUP", "茶杯")])
            }
            for index in 0..<5 { try await basket(try await api.customerID("独饮\(index)"), [("GIFT-TEA", "绿茶礼盒")]) }
            let newcomer = try await api.customerID("新茶友")
            try await basket(newcomer, [("GIFT-TEA", "绿茶礼盒")])
            _ = try await api.send(.POST, "/api/v1/lifecycle/recompute")
            let response = try await api.send(.GET, "/api/v1/customers/\(newcomer)/recommendations")
            #expect(response.status == .ok)
            let items = try #require(response.json["items"]?.arrayValue)
            #expect(items.first?["sku"] == "CUP")
            #expect(items.first?["name"] == "茶杯")
            #expect(items.first?["reason"] == "bought together with 绿茶礼盒 by 45% of its buyers")
            #expect(items.count <= 5)
        }
    }
}
