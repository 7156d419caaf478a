import Foundation
import RapportCore
import RapportStore
@testable import RapportServer
import Testing
import Vapor

@Suite("Web UI: the duplicate review queue")
struct WebDuplicatesPageTests {
    @Test("a scan fills the queue; a pair shows side by side; merge, undo and dismiss; agents are refused")
    func review() async throws {
        try await TestApp.run { app in
            let first = try await app.customerID("王小明", extra: ["phones": [["number": "13800138000"]],
                                                                "emails": [["address": "wang@example.com"]]])
            _ = try await app.customerID("王晓明", extra: ["phones": [["number": "+86 138 0013 8000"]],
                                                        "emails": [["address": "wang@example.com"]]])
            let (agent, _) = try await WebCustomerPageTests.browser(app, "a@example.com", role: .agent)
            #expect(try await agent.get("/duplicates").status == .forbidden)

            let (manager, _) = try await WebCustomerPageTests.browser(app, "m@example.com", role: .manager)
            let empty = try await manager.get("/duplicates")
            #expect(empty.status == .ok && empty.text.contains("暂无记录"))
            let csrf = try #require(Browser.csrf(in: empty))
            #expect(try await manager.post("/duplicates/scan", [("csrf", "forged")]).status == .forbidden)
            let scanned = try await manager.post("/duplicates/scan", [("csrf", csrf)])
            #expect(scanned.status == .ok && scanned.text.contains("1 对疑似重复"))
            #expect(scanned.text.contains("王小明") && scanned.text.contains("王晓明"))
            #expect(scanned.text.contains("电话相同 +8613800138000") && !scanned.text.contains("same phone"))
            #expect(scanned.text.contains(#"<tr class="differs"><th scope="row">姓名</th>"#))

            let pairID = String(try #require(scanned.text.firstMatch(of: /action="\/duplicates\/([0-9a-f-]+)\/merge"/)?.1))
            let merged = try await manager.post("/duplicates/\(pairID)/merge", [("csrf", csrf)])
            #expect(merged.status == .ok && merged.text.contains("已合并为"))
            #expect(try await app.send(.GET, "/api/v1/customers?limit=10").json["items"]?.arrayValue?.count == 1)
            let again = try await manager.post("/duplicates/\(pairID)/merge", [("csrf", csrf)])
            #expect(again.status == .conflict && again.text.contains("无法完成"))

            let mergedTab = try await manager.get("/duplicates?status=merged")
            let mergeID = String(try #require(mergedTab.text.firstMatch(
                of: /action="\/duplicates\/merges\/([0-9a-f-]+)\/undo"/)?.1))
            let undone = try await manager.post("/duplicates/merges/\(mergeID)/undo", [("csrf", csrf),
                                                                                       ("status", "merged")])
            #expect(undone.status == .ok && undone.text.contains("已撤销"))
            #expect(try await app.send(.GET, "/api/v1/customers?limit=10").json["items"]?.arrayValue?.count == 2)
            #expect(try await app.customer(first)["name"] == "王小明")

            let dismissed = try await manager.post("/duplicates/\(pairID)/dismiss", [("csrf", csrf)])
            #expect(dismissed.status == .ok && dismissed.text.contains("已忽略"))
            #expect(try await manager.get("/duplicates?status=dismissed").text.contains("王晓明"))
            #expect(try await manager.get("/duplicates?status=bogus").status == .badRequest)
            #expect(try await WebUITests.auditActions(app)["permission.denied"] == 1)
        }
    }
}
