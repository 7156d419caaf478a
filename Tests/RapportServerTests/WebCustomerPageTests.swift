import Foundation
import RapportCore
import RapportStore
@testable import RapportServer
import SQLKit
import Testing
import Vapor

@Suite("Web UI: the customer 360 page and the dashboard")
struct WebCustomerPageTests {
    /// A signed-in browser for a new user of `role`.
    static func browser(_ app: TestApp, _ email: String, role: Role, team: String? = nil) async throws
        -> (browser: Browser, user: User)
    {
        let user = try await WebUITests.signInUser(app, email, role: role, team: team)
        let browser = Browser(app)
        #expect(try await WebUITests.signIn(browser, email).status == .seeOther)
        return (browser, user)
    }

    /// The customer's version, from its `ETag`.
    static func version(_ app: TestApp, _ id: String) async throws -> Int {
        let tag = try await app.send(.GET, "/api/v1/customers/\(id)").headers.first(name: "ETag") ?? ""
        return Int(tag.filter(\.isNumber)) ?? -1
    }

    @Test("an agent opens their customer's page, escaped, and is told another agent's customer does not exist")
    func visibility() async throws {
        try await TestApp.run { app in
            let (browser, agent) = try await Self.browser(app, "a@example.com", role: .agent, team: "east")
            let other = try await WebUITests.signInUser(app, "b@example.com", role: .agent, team: "west")
            let mine = try await app.customerID("<script>alert(1)</script>",
                                                extra: ["owner_id": .string(agent.id.uuidString)])
            let theirs = try await app.customerID("赵不可见", extra: ["owner_id": .string(other.id.uuidString)])
            let page = try await browser.get("/customers/\(mine)")
            #expect(page.status == .ok)
            #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !page.text.contains("<script>alert"))
            #expect(page.text.contains(#"id="timeline""#) && page.text.contains(#"id="edit""#))
            let hidden = try await browser.get("/customers/\(theirs)")
            #expect(hidden.status == .notFound)
            #expect(!hidden.text.contains("赵不可见") && hidden.text.contains("页面不存在"))
            #expect(try await browser.get("/customers/not-a-uuid").status == .notFound)
            // Nor can the agent change or log on it.
            let csrf = try #require(Browser.csrf(in: page))
            #expect(try await browser.post("/customers/\(theirs)", [("csrf", csrf), ("name", "改名")]).status
                == .notFound)
            let logged = try await browser.post("/customers/\(theirs)/interactions",
                                                [("csrf", csrf), ("channel", "phone"), ("direction", "outbound"),
                                                 ("subject", "x")])
            #expect(logged.status == .notFound, "\(logged.status): \(logged.text)")
            #expect(try await app.customer(theirs)["name"] == "赵不可见")
            #expect(try await app.count("interactions") == 0)
        }
    }

    @Test("changing a phone number saves it, adds it to the timeline, and the past still shows the old one")
    func editAndTimeline() async throws {
        try await TestApp.run { app in
            let id = try await app.customerID("王小明", extra: ["phones": [["number": "13800138000", "label": "mobile"]],
                                                            "emails": [["address": "wang@example.com"]]])
            let created = app.clock.now()
            app.clock.advance(by: 3 * 86_400)
            let (browser, _) = try await Self.browser(app, "boss@example.com", role: .admin)
            let page = try await browser.get("/customers/\(id)")
            let csrf = try #require(Browser.csrf(in: page))
            #expect(page.text.contains("+8613800138000"))

            let forged = try await browser.post("/customers/\(id)", [("csrf", "forged"), ("phones", "13900139000")])
            #expect(forged.status == .forbidden)
            let form: [(String, String)] = [("csrf", csrf), ("version", "1"), ("name", "王小明"),
                                            ("phones", "13900139000"), ("emails", "wang@example.com"),
                                            ("tags", "VIP，茶客")]
            let saved = try await browser.post("/customers/\(id)", form)
            #expect(saved.status == .seeOther)
            #expect(saved.headers.first(name: "Location") == "/customers/\(id)#timeline")
            let customer = try await app.customer(id)
            #expect(customer["phones"] == [["number": "+8613900139000", "label": "mobile", "primary": true]])
            #expect(customer["tags"] == ["VIP", "茶客"])
            let info = try await app.events(id, family: "info")
            #expect(info.first { $0["field"] == "phones" }?["source"] == "ui")
            #expect(info.filter { $0["kind"] == "field_changed" }.count == 2, "phones and tags; nothing else moved")

            let after = try await browser.get("/customers/\(id)?family=info")
            #expect(after.text.contains("电话号码变更"))
            #expect(after.text.contains("+8613800138000 → +8613900139000"))

            let day = WebFormat.inputDay(created)
            let past = try await browser.get("/customers/\(id)?as_of=\(day)")
            #expect(past.status == .ok)
            #expect(past.text.contains("+8613800138000") && !past.text.contains("+8613900139000"))
            #expect(past.text.contains("显示该客户在"))
            let before = try await browser.get("/customers/\(id)?as_of=2020-01-01")
            #expect(before.text.contains("该客户尚不存在"), "\(before.status) \(before.text.prefix(3000))")
            #expect(try await browser.get("/customers/\(id)?as_of=2026-02-30").status == .badRequest)
            #expect(try await browser.get("/customers/\(id)?family=gossip").status == .badRequest)
        }
    }

    @Test("invalid fields come back inline and change nothing; a stale version is refused")
    func editRefusals() async throws {
        try await TestApp.run { app in
            let (browser, _) = try await Self.browser(app, "boss@example.com", role: .admin)
            let id = try await app.customerID("李四", extra: ["emails": [["address": "li@example.com"]]])
            let page = try await browser.get("/customers/\(id)")
            let csrf = try #require(Browser.csrf(in: page))
            let events = try await app.count("customer_events")
            let invalid = try await browser.post("/customers/\(id)", [
                ("csrf", csrf), ("version", "1"), ("name", "李四"), ("emails", "not an address"),
                ("birthday", "1990-13-01"),
            ])
            #expect(invalid.status == .unprocessableEntity)
            #expect(invalid.text.contains(#"id="edit-emails-error""#) && invalid.text.contains("这不是有效的电子邮箱地址"))
            #expect(invalid.text.contains(#"id="edit-birthday-error""#))
            #expect(invalid.text.contains(#"value="1990-13-01""#), "the form keeps what was typed")
            #expect(try await app.count("customer_events") == events)
            #expect(try await Self.version(app, id) == 1)

            let patched = try await app.send(.PATCH, "/api/v1/customers/\(id)", json: ["name": "李四新"])
            #expect(patched.status == .ok, "\(patched.text)")
            let stale = try await browser.post("/customers/\(id)", [("csrf", csrf), ("version", "1"), ("name", "李五")])
            #expect(stale.status == .conflict && stale.text.contains("其他人修改了该客户"), "\(stale.status)")
            #expect(try await app.customer(id)["name"] == "李四新")
        }
    }

    @Test("an analyst may look but not change: the refusal is audit-logged")
    func analystRefused() async throws {
        try await TestApp.run { app in
            let (browser, _) = try await Self.browser(app, "analyst@example.com", role: .analyst)
            let id = try await app.customerID("张三")
            let page = try await browser.get("/customers/\(id)")
            #expect(page.status == .ok && !page.text.contains(#"id="edit""#))
            let csrf = try #require(Browser.csrf(in: page))
            let refused = try await browser.post("/customers/\(id)", [("csrf", csrf), ("name", "改名")])
            #expect(refused.status == .forbidden)
            #expect(try await WebUITests.auditActions(app)["permission.denied"] == 1)
            #expect(try await app.customer(id)["name"] == "张三")
        }
    }

    @Test("logging a call records an interaction by the user; a missing subject is refused inline")
    func quickLog() async throws {
        try await TestApp.run { app in
            let (browser, user) = try await Self.browser(app, "boss@example.com", role: .admin)
            let id = try await app.customerID("赵六")
            let page = try await browser.get("/customers/\(id)")
            let csrf = try #require(Browser.csrf(in: page))
            let missing = try await browser.post("/customers/\(id)/interactions", [
                ("csrf", csrf), ("channel", "phone"), ("direction", "outbound"), ("subject", ""),
            ])
            #expect(missing.status == .unprocessableEntity && missing.text.contains(#"id="log-subject-error""#))
            #expect(try await app.count("interactions") == 0)
            let logged = try await browser.post("/customers/\(id)/interactions", [
                ("csrf", csrf), ("channel", "in_person"), ("direction", "outbound"), ("subject", "回访新品"),
                ("quality", "4"),
            ])
            #expect(logged.status == .seeOther)
            let list = try await app.send(.GET, "/api/v1/customers/\(id)/interactions").json["items"]?.arrayValue ?? []
            #expect(list.count == 1 && list.first?["subject"] == "回访新品" && list.first?["quality"] == 4)
            #expect(list.first?["user_id"]?.stringValue == UUIDText.format(user.id))
            let after = try await browser.get("/customers/\(id)")
            #expect(after.text.contains("回访新品") && after.text.contains("拜访/面谈"))
        }
    }

    @Test("the rules' explanations and common labels are said in the page's language; the API keeps the English")
    func explanations() async throws {
        try await TestApp.run { app in
            let (browser, _) = try await Self.browser(app, "boss@example.com", role: .admin)
            _ = try await CrowdRepository(app.app.rapportDatabase).installBuiltIns()
            let id = try await app.customerID("钱多多", extra: [
                "phones": [["number": "13800138000", "label": "mobile"]], "source": "wechat"])
            try await app.purchase(id)
            let english = "first purchase 0 days ago; new for 30 days"
            #expect(try await app.customer(id)["stage_reason"] == .string(english))
            let chinese = try await browser.get("/customers/\(id)")
            // The stage badge's title, the stage panel and the timeline's stage change explain.
            let said = "首次购买在 0 天前；首次购买后 30 天内为新客户"
            #expect(chinese.text.components(separatedBy: said).count == 4, "\(chinese.text)")
            #expect(!chinese.text.contains(english))
            #expect(chinese.text.contains("<small>手机</small>") && chinese.text.contains("<dd>微信</dd>"))
            #expect(chinese.text.contains("现有客户"), "the timeline names the crowd the purchase put them in")
            let csrf = try #require(Browser.csrf(in: chinese))
            #expect(try await browser.post("/language", [("csrf", csrf), ("locale", "en")]).status == .seeOther)
            let inEnglish = try await browser.get("/customers/\(id)").text
            #expect(inEnglish.components(separatedBy: english).count == 4)
            #expect(inEnglish.contains("<small>mobile</small>") && inEnglish.contains("<dd>WeChat</dd>"))
            #expect(inEnglish.contains("Existing customers") && !inEnglish.contains("现有客户"))
        }
    }

    @Test("the dashboard draws its charts from the user's customers and leaves out widgets without data")
    func dashboard() async throws {
        try await TestApp.run { app in
            let (admin, _) = try await Self.browser(app, "boss@example.com", role: .admin)
            let empty = try await admin.get("/dashboard")
            #expect(empty.status == .ok)
            #expect(empty.text.contains(#"id="stages""#) && empty.text.contains(#"id="trend""#))
            #expect(!empty.text.contains(#"id="revenue""#) && !empty.text.contains(#"id="rfm""#)
                && !empty.text.contains(#"id="quality""#), "no empty widgets")

            let (agent, user) = try await Self.browser(app, "a@example.com", role: .agent, team: "east")
            let mine = try await app.customerID("甲", extra: ["owner_id": .string(user.id.uuidString)])
            let other = try await app.customerID("乙")
            try await app.purchase(mine, unitPrice: 10_000)
            try await app.purchase(other, unitPrice: 55_500)
            let all = try await admin.get("/dashboard")
            #expect(all.text.contains(#"id="revenue""#) && all.text.contains("¥655.00"))
            #expect(all.text.contains("<polyline class=\"line line-new\""))
            let own = try await agent.get("/dashboard")
            #expect(own.text.contains("¥100.00") && !own.text.contains("¥655.00") && !own.text.contains("¥555.00"))
        }
    }
}
