import Foundation
import RapportCore
import RapportStore
@testable import RapportServer
import SQLKit
import Testing
import Vapor

@Suite("Web UI: sign-in, sessions, the customer list, languages")
struct WebUITests {
    /// A user who can sign in (a cheap bcrypt cost: the hash is only checked, not attacked).
    static func signInUser(_ app: TestApp, _ email: String, role: Role, team: String? = nil, name: String? = nil)
        async throws -> User
    {
        try await UserRepository(app.app.rapportDatabase).create(
            email: email, displayName: name ?? email, passwordHash: try Bcrypt.hash("correct horse battery", cost: 4),
            role: role, team: team)
    }

    static func signIn(_ browser: Browser, _ email: String, password: String = "correct horse battery") async throws
        -> TestResponse
    {
        let form = try await browser.get("/login")
        return try await browser.post("/login", [("csrf", Browser.csrf(in: form) ?? ""), ("email", email),
                                                 ("password", password)])
    }

    /// How many audit entries of each action exist (entries of one test-clock instant have no order).
    static func auditActions(_ app: TestApp) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try await (app.app.db as! any SQLDatabase).raw("SELECT action FROM audit_log").all() {
            counts[try row.decode(column: "action", as: String.self), default: 0] += 1
        }
        return counts
    }

    @Test("a visitor is sent to sign in; the form's token is required; wrong passwords fail, five throttle; signing in and out")
    func signInFlow() async throws {
        try await TestApp.run { app in
            _ = try await Self.signInUser(app, "agent@example.com", role: .agent, name: "李经理")
            let browser = Browser(app)
            let away = try await browser.get("/customers")
            #expect(away.status == .seeOther && away.headers.first(name: "Location") == "/login")

            let form = try await browser.get("/login")
            #expect(form.status == .ok)
            #expect(form.headers.first(name: "Content-Type")?.hasPrefix("text/html") == true)
            let csp = try #require(form.headers.first(name: "Content-Security-Policy"))
            #expect(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"))
            let formCookie = try #require(Browser.setCookie(WebCookie.signInForm, in: form))
            #expect(formCookie.contains("HttpOnly") && formCookie.contains("SameSite=Lax") && !formCookie.contains("Secure"))
            #expect(form.text.contains("登录") && form.text.contains(#"<html lang="zh-CN">"#))

            let forged = try await browser.post("/login", [("csrf", "forged"), ("email", "agent@example.com"),
                                                           ("password", "correct horse battery")])
            #expect(forged.status == .forbidden)
            #expect(browser.cookies[WebCookie.session] == nil)

            for _ in 0..<5 {
                let wrong = try await Self.signIn(browser, "agent@example.com", password: "wrong")
                #expect(wrong.status == .unauthorized)
                #expect(wrong.text.contains("电子邮箱或密码不正确"))
            }
            let throttled = try await Self.signIn(browser, "agent@example.com")
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.text.contains("15 分钟"))
            #expect(browser.cookies[WebCookie.session] == nil)
            #expect(try await Self.auditActions(app) == ["sign_in.failed": 5, "sign_in.throttled": 1])

            app.clock.advance(by: 16 * 60)
            let signedIn = try await Self.signIn(browser, "agent@example.com")
            #expect(signedIn.status == .seeOther && signedIn.headers.first(name: "Location") == "/dashboard")
            let session = try #require(Browser.setCookie(WebCookie.session, in: signedIn))
            #expect(session.contains("HttpOnly") && session.contains("SameSite=Lax") && !session.contains("Secure"))
            let list = try await browser.get("/customers")
            #expect(list.status == .ok && list.text.contains("李经理"))
            #expect(list.headers.first(name: "Cache-Control") == "no-store")

            let csrf = try #require(Browser.csrf(in: list))
            #expect(try await browser.post("/logout", [("csrf", "forged")]).status == .forbidden)
            let out = try await browser.post("/logout", [("csrf", csrf)])
            #expect(out.status == .seeOther && out.headers.first(name: "Location") == "/login")
            #expect(try await browser.get("/customers").status == .seeOther)
            #expect(try await Self.auditActions(app)
                == ["sign_in.failed": 5, "sign_in.throttled": 1, "sign_in.succeeded": 1, "sign_out": 1])
        }
    }

    @Test("behind TLS the cookies are Secure; a disabled user cannot sign in")
    func secureCookies() async throws {
        try await TestApp.run(settings: [.behindTLS: "on"]) { app in
            _ = try await Self.signInUser(app, "analyst@example.com", role: .analyst)
            let gone = try await Self.signInUser(app, "gone@example.com", role: .agent)
            try await (app.app.db as! any SQLDatabase).update("users").set("disabled_at", to: SQLBind(Date()))
                .where("id", .equal, SQLBind(gone.id)).run()
            let browser = Browser(app)
            let form = try await browser.get("/login")
            #expect(Browser.setCookie(WebCookie.signInForm, in: form)?.contains("Secure") == true)
            #expect(try await Self.signIn(browser, "gone@example.com").status == .unauthorized)
            let signedIn = try await Self.signIn(browser, "analyst@example.com")
            #expect(signedIn.status == .seeOther)
            #expect(Browser.setCookie(WebCookie.session, in: signedIn)?.contains("Secure") == true)
        }
    }

    @Test("the list shows only the agent's customers, names as text, and rule errors by column; search is posted")
    func customerList() async throws {
        try await TestApp.run { app in
            let agent = try await Self.signInUser(app, "a@example.com", role: .agent, team: "east")
            let other = try await Self.signInUser(app, "b@example.com", role: .agent, team: "west")
            _ = try await app.createCustomer(["name": "<script>alert(1)</script>", "owner_id": .string(agent.id.uuidString),
                                              "phones": [["number": "13800138000"]],
                                              "addresses": [["city": "上海市"]]])
            _ = try await app.createCustomer(["name": "王不可见", "owner_id": .string(other.id.uuidString)])
            let browser = Browser(app)
            #expect(try await Self.signIn(browser, "a@example.com").status == .seeOther)
            let list = try await browser.get("/customers")
            #expect(list.status == .ok)
            #expect(list.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!list.text.contains("<script>alert(1)"))
            #expect(!list.text.contains("王不可见"))
            #expect(list.text.contains("+8613800138000") && list.text.contains("潜在客户"))

            let csrf = try #require(Browser.csrf(in: list))
            let bad = try await browser.post("/customers", [("csrf", csrf), ("filter", "stage = ")])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("筛选规则有误：第 8 列：&#39;=&#39; 后面缺少取值"), "\(bad.text)")
            let filtered = try await browser.post("/customers", [("csrf", csrf), ("filter", #"city = "北京市""#)])
            #expect(filtered.status == .ok && filtered.text.contains("没有符合条件的客户"))
            let found = try await browser.post("/customers", [("csrf", csrf), ("q", "13800138")])
            #expect(found.status == .ok && found.text.contains("&lt;script&gt;"))
            let forged = try await browser.post("/customers", [("csrf", "forged"), ("q", "x")])
            #expect(forged.status == .forbidden && forged.text.contains("表单已失效"))
            #expect(forged.headers.first(name: "Content-Type")?.hasPrefix("text/html") == true)
        }
    }

    @Test("the language follows the browser until the user chooses one, then stays with the user")
    func languages() async throws {
        try await TestApp.run { app in
            _ = try await Self.signInUser(app, "m@example.com", role: .manager)
            let english = Browser(app, language: "en-GB,en;q=0.8,zh;q=0.5")
            let form = try await english.get("/login")
            #expect(form.text.contains("Sign in") && form.text.contains(#"<html lang="en">"#))

            let browser = Browser(app)
            #expect(try await Self.signIn(browser, "m@example.com").status == .seeOther)
            let chinese = try await browser.get("/customers")
            #expect(chinese.text.contains("筛选规则") && chinese.text.contains("退出登录"))
            let switched = try await browser.post("/language", [("csrf", Browser.csrf(in: chinese) ?? ""),
                                                                ("locale", "en")])
            #expect(switched.status == .seeOther)
            let after = try await browser.get("/customers")
            #expect(after.text.contains("Filter rule") && after.text.contains("Sign out"))
            #expect(after.text.contains(#"<html lang="en">"#))
            #expect(try await browser.post("/language", [("csrf", Browser.csrf(in: after) ?? ""),
                                                         ("locale", "fr")]).status == .badRequest)
        }
    }

    @Test("the stylesheet is served with a type and cache; nothing outside Public is")
    func assets() async throws {
        try await TestApp.run { app in
            let browser = Browser(app)
            let css = try await browser.get("/assets/rapport.css")
            #expect(css.status == .ok && css.headers.first(name: "Content-Type")?.hasPrefix("text/css") == true)
            #expect(try await browser.get("/assets/..%2FViews%2Flayout.leaf").status == .notFound)
            let missing = try await browser.get("/assets/layout.leaf")
            #expect(missing.status == .notFound && missing.text.contains("页面不存在"))
        }
    }
}

@Suite("Web UI: the catalogues")
struct WebCatalogueTests {
    static let resources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/RapportServer/Web/Resources")

    static func catalogue(_ name: String) throws -> [String: String] {
        try JSONDecoder().decode([String: String].self,
                                 from: Data(contentsOf: resources.appendingPathComponent("Locales/\(name).json")))
    }

    @Test("zh-CN and en have the same keys, and every key a template names is in them")
    func complete() throws {
        let chinese = try Self.catalogue("zh-CN"), english = try Self.catalogue("en")
        #expect(Set(chinese.keys) == Set(english.keys))
        let views = Self.resources.appendingPathComponent("Views")
        var used: Set<String> = []
        for file in try FileManager.default.contentsOfDirectory(atPath: views.path) where file.hasSuffix(".leaf") {
            let text = try String(contentsOf: views.appendingPathComponent(file), encoding: .utf8)
            for match in text.matches(of: /#t\("([a-z0-9_.]+)"/) { used.insert(String(match.1)) }
        }
        #expect(!used.isEmpty)
        #expect(used.subtracting(chinese.keys).isEmpty, "missing: \(used.subtracting(chinese.keys).sorted())")
        // The engines' phrases: English pages must say what the API says.
        for phrase in EnginePhrase.allCases {
            var template = phrase.template
            for (index, slot) in phrase.slots.enumerated() {
                template = template.replacingOccurrences(of: "{\(slot.rawValue)}", with: "{\(index)}", options: [],
                                                         range: template.range(of: "{\(slot.rawValue)}"))
            }
            #expect(english["phrase.\(phrase.rawValue)"] == template)
            #expect(chinese["phrase.\(phrase.rawValue)"] != nil)
        }
        // The rule parser's problems, likewise.
        for problem in CrowdRuleProblem.allCases {
            #expect(english["rule_error.\(problem.rawValue)"] == problem.template)
            #expect(chinese["rule_error.\(problem.rawValue)"] != nil)
        }
        // The built-in crowds: Chinese names are Rapport's own, English descriptions the API's.
        for crowd in BuiltInCrowd.all {
            #expect(chinese["crowd.builtin.\(crowd.key)"] == crowd.name && english["crowd.builtin.\(crowd.key)"] != nil)
            #expect(english["crowd.builtin.\(crowd.key).about"] == crowd.description
                && chinese["crowd.builtin.\(crowd.key).about"] != nil)
        }
        // Keys the Swift code names (stages, roles, messages) are checked by rendering the pages in the tests above.
    }
}
