import Foundation
import RapportCore
import Testing

@Suite("Lifecycle stages through the API")
struct LifecycleAPITests {
    static let day: TimeInterval = 86_400

    @Test("time passing alone makes a customer silent; a recompute records it once, dated when silence began")
    func timePassing() async throws {
        try await TestApp.run { api in
            let id = try await api.customerID()
            let boughtAt = api.clock.now()
            try await api.purchase(id)
            api.clock.advance(by: 61 * Self.day)
            let first = try await api.send(.POST, "/api/v1/lifecycle/recompute")
            #expect(first.status == .ok)
            #expect(first.json["examined"] == 1)
            #expect(first.json["stage_changed"] == 1)
            // new → active on day 30, active → silent on day 61.
            #expect(first.json["events"] == 2)
            let customer = try await api.customer(id)
            #expect(customer["stage"] == "silent")
            #expect(customer["stage_reason"] == "no purchase for 61 days; one purchase day; silent after 60 days")
            let silentSince = BusinessDay.start(of: BusinessDay.number(of: boughtAt) + 61)
            #expect(customer["stage_since"] == .string(RFC3339.format(silentSince)))
            let events = try await api.stageEvents(id)
            #expect(events.map { $0["new_value"]?["stage"] } == ["silent", "active", "new"])
            #expect(events.first?["new_value"]?["days_since_last_purchase"] == 61)

            let eventCount = try await api.count("customer_events")
            let again = try await api.send(.POST, "/api/v1/lifecycle/recompute")
            #expect(again.json["stage_changed"] == 0)
            #expect(again.json["events"] == 0)
            #expect(try await api.count("customer_events") == eventCount)
        }
    }

    @Test("a silent customer who buys again is active, recorded as a win-back")
    func winBack() async throws {
        try await TestApp.run { api in
            let id = try await api.customerID()
            try await api.purchase(id)
            api.clock.advance(by: 200 * Self.day)
            _ = try await api.send(.POST, "/api/v1/lifecycle/recompute")
            #expect(try await api.customer(id)["stage"] == "churned")
            try await api.purchase(id)
            let customer = try await api.customer(id)
            #expect(customer["stage"] == "active")
            #expect(customer["stage_reason"]?.stringValue?.hasPrefix("win-back: ") == true)
            let latest = try await api.stageEvents(id).first
            #expect(latest?["old_value"] == "churned")
            #expect(latest?["new_value"]?["win_back"] == true)
        }
    }

    @Test("a manual override is an event and holds until cleared; then the rules decide again")
    func override() async throws {
        try await TestApp.run { api in
            let id = try await api.customerID()
            try await api.purchase(id)
            let set = try await api.send(.PUT, "/api/v1/customers/\(id)/stage",
                                         json: ["stage": "churned", "reason": "客户已注销账户"])
            #expect(set.status == .ok)
            #expect(set.json["stage"] == "churned")
            #expect(set.json["stage_overridden"] == true)
            #expect(set.json["stage_reason"] == "客户已注销账户")
            api.clock.advance(by: Self.day)
            try await api.purchase(id)
            _ = try await api.send(.POST, "/api/v1/lifecycle/recompute")
            #expect(try await api.customer(id)["stage"] == "churned")

            let cleared = try await api.send(.DELETE, "/api/v1/customers/\(id)/stage")
            #expect(cleared.status == .ok)
            #expect(cleared.json["stage"] == "active")
            #expect(cleared.json["stage_overridden"] == false)
            let kinds = try await api.stageEvents(id).map { $0["kind"] }
            #expect(kinds == ["stage_changed", "stage_override_cleared", "stage_overridden", "stage_changed"])

            // An override that agrees with the rules: clearing it changes no stage, but the override is gone.
            _ = try await api.send(.PUT, "/api/v1/customers/\(id)/stage", json: ["stage": "active", "reason": "核对"])
            let agreed = try await api.send(.DELETE, "/api/v1/customers/\(id)/stage").json
            #expect(agreed["stage"] == "active")
            #expect(agreed["stage_overridden"] == false)
            #expect(try await api.customer(id)["stage_overridden"] == false)

            let anyone = try await api.customerID("另一位")
            try await api.expectRejected(422, fields: ["stage", "reason"]) {
                try await api.send(.PUT, "/api/v1/customers/\(anyone)/stage", json: ["stage": "gone"])
            }
            try await api.expectRejected(404) {
                try await api.send(.PUT, "/api/v1/customers/\(UUID().uuidString)/stage",
                                   json: ["stage": "active", "reason": "x"])
            }
            let analyst = try await api.user("analyst@example.com", role: .analyst)
            try await api.expectRejected(403) {
                try await api.send(.PUT, "/api/v1/customers/\(anyone)/stage", token: analyst.token,
                                   json: ["stage": "active", "reason": "x"])
            }
        }
    }

    @Test("the count per stage, now and as of a past date; a customer as of a past date shows its stage then")
    func summaryAsOf() async throws {
        try await TestApp.run { api in
            let start = api.clock.now()
            let buyer = try await api.customerID("买家")
            _ = try await api.customerID("潜客")
            try await api.purchase(buyer)
            api.clock.advance(by: 100 * Self.day)
            _ = try await api.send(.POST, "/api/v1/lifecycle/recompute")
            let now = try await api.send(.GET, "/api/v1/lifecycle/summary").json
            #expect(now["stages"] == ["prospect": 1, "new": 0, "active": 0, "silent": 1, "churned": 0])
            #expect(now["total"] == 2)
            let tenDays = RFC3339.format(start.addingTimeInterval(10 * Self.day))
            let then = try await api.send(.GET, "/api/v1/lifecycle/summary?as_of=\(tenDays)").json
            #expect(then["stages"] == ["prospect": 1, "new": 1, "active": 0, "silent": 0, "churned": 0])
            #expect(then["as_of"] == .string(tenDays))
            let fortyDays = RFC3339.format(start.addingTimeInterval(40 * Self.day))
            let later = try await api.send(.GET, "/api/v1/lifecycle/summary?as_of=\(fortyDays)").json
            #expect(later["stages"]?["active"] == 1)
            let before = RFC3339.format(start.addingTimeInterval(-Self.day))
            #expect(try await api.send(.GET, "/api/v1/lifecycle/summary?as_of=\(before)").json["total"] == 0)
            #expect(try await api.send(.GET, "/api/v1/lifecycle/summary?as_of=yesterday").status == .badRequest)

            let past = try await api.customer(buyer, query: "?as_of=\(fortyDays)")
            #expect(past["stage"] == "active")
            #expect(past["orders_count"] == 1)
            let current = try await api.customer(buyer)
            #expect(current["stage"] == "silent")
        }
    }

    @Test("only administrators recompute; a bad as_of is a 422")
    func recomputeRules() async throws {
        try await TestApp.run { api in
            let manager = try await api.user("manager@example.com", role: .manager, team: "north")
            try await api.expectRejected(403) {
                try await api.send(.POST, "/api/v1/lifecycle/recompute", token: manager.token)
            }
            try await api.expectRejected(422, fields: ["as_of"]) {
                try await api.send(.POST, "/api/v1/lifecycle/recompute", json: ["as_of": "soon"])
            }
            try await api.expectRejected(422, fields: ["when"]) {
                try await api.send(.POST, "/api/v1/lifecycle/recompute", json: ["when": "now"])
            }
            let asOf = RFC3339.format(api.clock.now().addingTimeInterval(Self.day))
            let response = try await api.send(.POST, "/api/v1/lifecycle/recompute", json: ["as_of": .string(asOf)])
            #expect(response.status == .ok)
            #expect(response.json["as_of"] == .string(asOf))
        }
    }
}
