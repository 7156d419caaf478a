import Foundation
import RapportCore
import RapportStore
@testable import RapportServer
import SQLKit
import Testing
import Vapor

@Suite("Web UI: crowds, settings and the audit log")
struct WebAdminPagesTests {
    @Test("crowds: counts of visible customers, the builder's count and live preview, saving, bad rules inline")
    func crowds() async throws {
        try await TestApp.run { app in
            let (manager, user) = try await WebCustomerPageTests.browser(app, "m@example.com", role: .manager,
                                                                         team: "east")
            _ = try await app.customerID("东区甲", extra: ["owner_id": .string(user.id.uuidString), "tags": ["VIP"]])
            _ = try await app.customerID("西区乙", extra: ["tags": ["VIP"]])
            _ = try await CrowdRepository(app.app.rapportDatabase).installBuiltIns()
            let list = try await manager.get("/crowds")
            #expect(list.status == .ok && list.text.contains("<svg class=\"sparkline\""))
            #expect(list.text.contains("现有客户"))
            let existing = try await CrowdRepository(app.app.rapportDatabase).find("existing")
            let shown = try await manager.get("/crowds/\(UUIDText.format(existing.id))")
            #expect(shown.text.contains("现有客户") && shown.text.contains("已购买且未流失的客户"))
            #expect(try await manager.post("/language", [("csrf", Browser.csrf(in: shown) ?? ""), ("locale", "en")])
                .status == .seeOther)
            let english = try await manager.get("/crowds/\(UUIDText.format(existing.id))")
            #expect(english.text.contains("Existing customers")
                && english.text.contains("Customers who have bought and not churned"))
            #expect(try await manager.post("/language", [("csrf", Browser.csrf(in: english) ?? ""), ("locale", "zh-CN")])
                .status == .seeOther)
            let crowds = try await app.count("crowds")
            let builder = try await manager.get("/crowds/new")
            let csrf = try #require(Browser.csrf(in: builder))

            let preview = try await manager.post("/crowds/preview", [("csrf", csrf), ("rule", #"tag = "VIP""#)])
            #expect(preview.status == .ok && preview.json["count"] == 1, "the manager sees their team's customer only")
            let broken = try await manager.post("/crowds/preview", [("csrf", csrf), ("rule", "tags contains")])
            #expect(broken.status == .unprocessableEntity)
            #expect(broken.json["error"]?.stringValue?.hasPrefix("筛选规则有误：第 1 列：没有字段 'tags'；可用字段：") == true,
                    "\(broken.text)")
            #expect(try await manager.post("/crowds/preview", [("csrf", "forged"), ("rule", "stage = new")]).status
                == .forbidden)

            let counted = try await manager.post("/crowds", [("csrf", csrf), ("name", "贵宾"), ("rule", #"tag = "VIP""#),
                                                             ("count", "1")])
            #expect(counted.status == .ok && counted.text.contains("符合该规则的客户：1 位") && counted.text.contains("东区甲"))
            #expect(try await app.count("crowds") == crowds, "counting saves nothing")
            let invalid = try await manager.post("/crowds", [("csrf", csrf), ("name", ""), ("rule", "stage = ")])
            #expect(invalid.status == .unprocessableEntity)
            #expect(invalid.text.contains(#"id="crowd-name-error""#) && invalid.text.contains(#"id="crowd-rule-error""#))
            let saved = try await manager.post("/crowds", [("csrf", csrf), ("name", "贵宾"), ("rule", #"tag = "VIP""#)])
            #expect(saved.status == .seeOther)
            let page = try await manager.get(try #require(saved.headers.first(name: "Location")))
            #expect(page.status == .ok && page.text.contains("贵宾") && page.text.contains("东区甲")
                && !page.text.contains("西区乙"))
        }
    }

    @Test("an agent may use crowds but not define them; the refusal is audit-logged")
    func agentCannotDefineCrowds() async throws {
        try await TestApp.run { app in
            let (agent, _) = try await WebCustomerPageTests.browser(app, "a@example.com", role: .agent)
            let list = try await agent.get("/crowds")
            #expect(list.status == .ok && !list.text.contains("/crowds/new"))
            #expect(try await agent.get("/crowds/new").status == .forbidden)
            let csrf = try #require(Browser.csrf(in: list))
            #expect(try await agent.post("/crowds", [("csrf", csrf), ("name", "x"), ("rule", "stage = new")]).status
                == .forbidden)
            #expect(try await WebUITests.auditActions(app)["permission.denied"] == 2)
        }
    }

    @Test("settings: users are created and changed, tokens shown once and revoked, every change audit-logged")
    func settings() async throws {
        try await TestApp.run { app in
            let (admin, me) = try await WebCustomerPageTests.browser(app, "boss@example.com", role: .admin)
            let page = try await admin.get("/settings")
            #expect(page.status == .ok && page.text.contains("RAPPORT_CHURN_MIN_DAYS"))
            let csrf = try #require(Browser.csrf(in: page))

            let bad = try await admin.post("/settings/users", [("csrf", csrf), ("email", "not-an-address"),
                                                               ("name", "新人"), ("role", "agent")])
            #expect(bad.status == .unprocessableEntity && bad.text.contains(#"value="not-an-address""#))
            let created = try await admin.post("/settings/users", [("csrf", csrf), ("email", "new@example.com"),
                                                                   ("name", "新人"), ("role", "agent"), ("team", "east")])
            #expect(created.status == .created && created.text.contains("new@example.com"))
            let password = try #require(created.text.firstMatch(of: /<code class="secret">([^<]+)<\/code>/)?.1)
            #expect(!(try await admin.get("/settings")).text.contains(String(password)), "the password is shown once")
            let newcomer = Browser(app)
            #expect(try await WebUITests.signIn(newcomer, "new@example.com", password: String(password)).status
                == .seeOther)

            let tokenPage = try await admin.post("/settings/tokens", [("csrf", csrf), ("name", "集成"),
                                                                      ("user", UUIDText.format(me.id))])
            #expect(tokenPage.status == .created)
            let secret = String(try #require(tokenPage.text.firstMatch(of: /id="new-token">([^<]+)</)?.1))
            #expect(try await app.send(.GET, "/api/v1/me", token: secret).status == .ok)
            #expect(!(try await admin.get("/settings")).text.contains(secret), "the secret is shown once")
            let tokenID = try #require(try await TokenRepository(app.app.rapportDatabase).list(userID: me.id).first?.id)
            let revoked = try await admin.post("/settings/tokens/\(UUIDText.format(tokenID))/revoke", [("csrf", csrf)])
            #expect(revoked.status == .seeOther)
            #expect(try await app.send(.GET, "/api/v1/me", token: secret).status == .unauthorized)

            let newID = try #require(try await UserRepository(app.app.rapportDatabase).find(email: "new@example.com")?.user.id)
            let disabled = try await admin.post("/settings/users/\(UUIDText.format(newID))", [
                ("csrf", csrf), ("role", "manager"), ("team", "east"), ("disabled", "true"),
            ])
            #expect(disabled.status == .seeOther)
            let changed = try #require(try await UserRepository(app.app.rapportDatabase).find(id: newID))
            #expect(changed.role == .manager && changed.disabledAt != nil)
            #expect(try await newcomer.get("/dashboard").status == .seeOther, "a disabled user's session ends")
            let selfDemotion = try await admin.post("/settings/users/\(UUIDText.format(me.id))", [
                ("csrf", csrf), ("role", "agent"), ("disabled", "false"),
            ])
            #expect(selfDemotion.status == .unprocessableEntity)
            #expect(try await UserRepository(app.app.rapportDatabase).find(id: me.id)?.role == .admin)

            let audit = try await WebUITests.auditActions(app)
            #expect(audit["user.created"] == 1 && audit["user.changed"] == 1)
            #expect(audit["token.created"] == 1 && audit["token.revoked"] == 1)
        }
    }

    @Test("only administrators see settings and the audit log; the log lists and filters entries")
    func auditLog() async throws {
        try await TestApp.run { app in
            let (manager, _) = try await WebCustomerPageTests.browser(app, "m@example.com", role: .manager)
            #expect(try await manager.get("/settings").status == .forbidden)
            #expect(try await manager.get("/audit").status == .forbidden)
            let exported = try await app.send(.GET, "/api/v1/exports/customers")
            #expect(exported.status == .ok)
            let (admin, _) = try await WebCustomerPageTests.browser(app, "boss@example.com", role: .admin)
            let all = try await admin.get("/audit")
            #expect(all.status == .ok)
            #expect(all.text.contains("权限拒绝") && all.text.contains("批量导出") && all.text.contains("登录成功"))
            // Details and targets read as words: who signed in, how the export was made.
            #expect(all.text.contains("<td>用户 m@example.com</td>") && all.text.contains("途径：API")
                && all.text.contains("格式：csv") && all.text.contains("按规则筛选：否"), "\(all.text)")
            let denied = try await admin.get("/audit?action=permission.denied")
            #expect(denied.text.contains("settings.view") && !denied.text.contains("批量导出</td>"))
            #expect(try await admin.get("/audit?action=nonsense").status == .badRequest)
            #expect(try await admin.get("/audit?after=garbage").status == .badRequest)
        }
    }
}

@Suite("Web UI: the customer list's sorts, saved crowds and export")
struct WebCustomerListTests {
    @Test("sorting pages by name without names in the address; a saved crowd narrows the list; the filter exports as CSV")
    func sortCrowdExport() async throws {
        try await TestApp.run { app in
            let (browser, _) = try await WebCustomerPageTests.browser(app, "boss@example.com", role: .admin)
            for index in 0..<55 {
                _ = try await app.customerID(String(format: "客户%02d", 54 - index),
                                             extra: ["tags": index % 2 == 0 ? ["VIP"] : []])
            }
            _ = try await CrowdRepository(app.app.rapportDatabase).installBuiltIns()
            let first = try await browser.get("/customers?sort=name")
            #expect(first.status == .ok)
            let names = first.text.matches(of: /<a href="\/customers\/[0-9a-f-]+">(客户\d\d)<\/a>/).map { String($0.1) }
            #expect(names.count == 50 && names.first == "客户00" && names.last == "客户49")
            let next = String(try #require(first.text.firstMatch(of: /href="(\/customers\?sort=name&amp;before=\d+)"/)?.1))
                .replacingOccurrences(of: "&amp;", with: "&")
            #expect(!next.contains("客户"), "the address names no one")
            let second = try await browser.get(next)
            let rest = second.text.matches(of: /<a href="\/customers\/[0-9a-f-]+">(客户\d\d)<\/a>/).map { String($0.1) }
            #expect(rest == ["客户50", "客户51", "客户52", "客户53", "客户54"])
            #expect(try await browser.get("/customers?sort=shoe-size").status == .badRequest)

            #expect(try await browser.get("/customers?crowd=no-such-crowd").status == .notFound)
            let crowds = try await CrowdRepository(app.app.rapportDatabase).list()
            let prospect = try #require(crowds.first { $0.rule.text == "stage = prospect" })
            let narrowed = try await browser.get("/customers?crowd=\(prospect.key ?? UUIDText.format(prospect.id))")
            #expect(narrowed.status == .ok && narrowed.text.contains("<code>stage = prospect</code>"))
            #expect(narrowed.text.matches(of: /<a href="\/customers\/[0-9a-f-]+">客户\d\d<\/a>/).count == 50,
                    "every customer is a prospect: a full page of the crowd's members")
            #expect(narrowed.text.contains("· \(prospect.name)"))

            let csrf = try #require(Browser.csrf(in: first))
            let csv = try await browser.post("/customers/export", [("csrf", csrf), ("filter", #"tag = "VIP""#)])
            #expect(csv.status == .ok && csv.headers.first(name: "Content-Type")?.hasPrefix("text/csv") == true)
            #expect(csv.text.split(whereSeparator: \.isNewline).count == 1 + 28, "a header and the 28 VIP customers")
            #expect(try await browser.post("/customers/export", [("csrf", "forged")]).status == .forbidden)
            let audit = try await WebUITests.auditActions(app)
            #expect(audit["data.exported"] == 1)
        }
    }
}
