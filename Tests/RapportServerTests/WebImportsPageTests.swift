import Foundation
import RapportCore
import RapportStore
@testable import RapportServer
import Testing
import Vapor

@Suite("Web UI: importing customers in steps")
struct WebImportsPageTests {
    static let file = "姓名,手机,邮箱,备注\n张三丰,13800000001,zsf@example.com,老客户\n李四光,13800000002,not-an-email,\n"

    /// Polls the job page until its job has ended.
    static func finished(_ browser: Browser, _ location: String) async throws -> TestResponse {
        for _ in 0..<100 {
            let page = try await browser.get(location)
            if !page.text.contains(#"http-equiv="refresh""#) { return page }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("the import at \(location) did not end")
    }

    @Test("upload, map a column, dry run (nothing written), import for real, read the rejected row")
    func steps() async throws {
        try await TestApp.run { app in
            let (browser, _) = try await WebCustomerPageTests.browser(app, "m@example.com", role: .manager)
            let list = try await browser.get("/imports")
            let csrf = try #require(Browser.csrf(in: list))
            let forged = try await browser.upload("/imports", [("csrf", "forged")],
                                                  file: ("file", "customers.csv", Self.file))
            #expect(forged.status == .forbidden)

            let mapping = try await browser.upload("/imports", [("csrf", csrf), ("source", "crm")],
                                                   file: ("file", "customers.csv", Self.file))
            #expect(mapping.status == .ok)
            #expect(mapping.text.contains(#"<option value="phone" selected>"#), "手机 is guessed as the phone")
            #expect(mapping.text.contains("张三丰 · 李四光"))
            let upload = String(try #require(mapping.text.firstMatch(of: /name="upload" value="([0-9a-f-]+)"/)?.1))
            let form: [(String, String)] = [("csrf", csrf), ("upload", upload), ("file_name", "customers.csv"),
                                            ("source", "crm"), ("map_0", "name"), ("map_1", "phone"),
                                            ("map_2", "email"), ("map_3", "ignore")]

            let tried = try await browser.post("/imports/start", form + [("dry_run", "true")])
            #expect(tried.status == .seeOther)
            let preview = try await Self.finished(browser, try #require(tried.headers.first(name: "Location")))
            #expect(preview.text.contains("试运行完成") && preview.text.contains("missing &#39;@&#39;")
                || preview.text.contains("missing '@'"))
            #expect(try await app.count("customers") == 0, "a dry run writes nothing")
            #expect(preview.text.contains("正式导入该文件"))

            let again = [("csrf", csrf)] + (preview.text.matches(of: /<input type="hidden" name="([a-z_0-9]+)" value="([^"]*)">/)
                .map { (String($0.1), String($0.2)) }.filter { $0.0 != "csrf" })
            let ran = try await browser.post("/imports/start", again)
            #expect(ran.status == .seeOther)
            let report = try await Self.finished(browser, try #require(ran.headers.first(name: "Location")))
            #expect(report.text.contains("已完成"))
            #expect(report.text.contains("李四光,13800000002,not-an-email,"), "the rejected row is shown as it was")
            let customers = try await app.send(.GET, "/api/v1/customers").json["items"]?.arrayValue ?? []
            #expect(customers.count == 1 && customers.first?["name"] == "张三丰")
            #expect(customers.first?["attributes"] == [:], "the ignored column was left out")
            #expect(customers.first?["external_ids"] == [:])

            let gone = try await browser.post("/imports/start", form + [("dry_run", "false")])
            #expect(gone.status == .gone, "an upload is imported once")
        }
    }

    @Test("a mapping without a name column is refused on the mapping page; agents may not import")
    func refusals() async throws {
        try await TestApp.run { app in
            let (agent, _) = try await WebCustomerPageTests.browser(app, "a@example.com", role: .agent)
            #expect(try await agent.get("/imports").status == .forbidden)
            let (browser, _) = try await WebCustomerPageTests.browser(app, "m@example.com", role: .manager)
            let csrf = try #require(Browser.csrf(in: try await browser.get("/imports")))
            let mapping = try await browser.upload("/imports", [("csrf", csrf)], file: ("file", "c.csv", Self.file))
            let upload = String(try #require(mapping.text.firstMatch(of: /name="upload" value="([0-9a-f-]+)"/)?.1))
            let refused = try await browser.post("/imports/start", [
                ("csrf", csrf), ("upload", upload), ("file_name", "c.csv"), ("source", "crm"), ("map_0", "ignore"),
                ("dry_run", "true"),
            ])
            #expect(refused.status == .unprocessableEntity && refused.text.contains("没有一列对应客户姓名"))
            #expect(try await browser.post("/imports/start", [("csrf", csrf), ("upload", "../../etc/passwd")]).status
                == .gone)
            #expect(try await app.count("imports") == 0)
        }
    }
}
