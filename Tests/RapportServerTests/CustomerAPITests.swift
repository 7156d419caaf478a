import Foundation
import RapportCore
import Testing

@Suite("Customers through the HTTP API")
struct CustomerAPITests {
    @Test("create answers 201 with Location, ETag and the normalised customer")
    func createNormalises() async throws {
        try await TestApp.run { api in
            let response = try await api.send(.POST, "/api/v1/customers", json: [
                "name": "　ＷＡＮＧ 小明　",
                "emails": [["address": "  Xiaoming.Wang@Example.COM ", "label": "work"]],
                "phones": [["number": "138 0013 8000"], ["number": "+44 20 7946 0958", "primary": true]],
                "social": [["network": "WeChat", "handle": "wxm_1990"]],
                "addresses": [["city": "上海市", "district": "浦东新区", "postal_code": "２００１２０"]],
                "tags": ["vip", "vip", " 老客户 "],
                "attributes": ["level": 3, "newsletter": true],
                "birthday": "1990-05-17",
                "consent": ["email": true, "sms": false],
                "external_ids": ["shopify": "SH-1001"],
            ])
            #expect(response.status == .created)
            let customer = response.json
            let id = try #require(customer["id"]?.stringValue)
            #expect(response.headers.first(name: "Location") == "/api/v1/customers/\(id)")
            #expect(response.headers.first(name: "ETag") == "\"1\"")
            #expect(customer["number"] == "C-000001")
            #expect(customer["name"] == "WANG 小明")
            #expect(customer["emails"] == [["address": "xiaoming.wang@example.com", "label": "work", "primary": true]])
            #expect(customer["phones"] == [
                ["number": "+8613800138000", "primary": false],
                ["number": "+442079460958", "primary": true],
            ])
            #expect(customer["social"] == [["network": "wechat", "handle": "wxm_1990"]])
            #expect(customer["addresses"]?[0]?["postal_code"] == "200120")
            #expect(customer["tags"] == ["vip", "老客户"])
            #expect(customer["kind"] == "person")
            #expect(customer["consent"] == ["email": true, "sms": false])
            #expect(customer["external_ids"] == ["shopify": "SH-1001"])
            #expect(customer["archived_at"] == .null)

            let read = try await api.send(.GET, "/api/v1/customers/\(id)")
            #expect(read.status == .ok)
            #expect(read.json == customer)
            #expect(read.headers.first(name: "ETag") == "\"1\"")
        }
    }

    @Test("numbers are sequential and never reused, even after archiving")
    func numbersAreSequential() async throws {
        try await TestApp.run { api in
            let first = try await api.createCustomer(["name": "A"])
            let second = try await api.createCustomer(["name": "B"])
            let id = try #require(second["id"]?.stringValue)
            #expect(try await api.send(.DELETE, "/api/v1/customers/\(id)").status == .ok)
            let third = try await api.createCustomer(["name": "C"])
            #expect([first["number"], second["number"], third["number"]] == ["C-000001", "C-000002", "C-000003"])
        }
    }

    @Test("PATCH applies a JSON Merge Patch and bumps the ETag; an empty change writes nothing")
    func patchMerges() async throws {
        try await TestApp.run { api in
            let created = try await api.createCustomer([
                "name": "李雷", "tags": ["a"], "attributes": ["x": 1, "y": "keep"], "source": "web",
            ])
            let id = try #require(created["id"]?.stringValue)
            let patched = try await api.send(
                .PATCH, "/api/v1/customers/\(id)", headers: [("If-Match", "\"1\"")],
                json: ["attributes": ["x": nil, "z": false], "source": nil, "kind": "organization"],
                contentType: "application/merge-patch+json")
            #expect(patched.status == .ok)
            #expect(patched.headers.first(name: "ETag") == "\"2\"")
            #expect(patched.json["attributes"] == ["y": "keep", "z": false])
            #expect(patched.json["source"] == .null)
            #expect(patched.json["kind"] == "organization")
            #expect(patched.json["tags"] == ["a"])

            let eventsBefore = try await api.count("customer_events")
            let same = try await api.send(.PATCH, "/api/v1/customers/\(id)", json: ["name": "李雷"])
            #expect(same.status == .ok)
            #expect(same.headers.first(name: "ETag") == "\"2\"")
            #expect(try await api.count("customer_events") == eventsBefore)
        }
    }

    @Test("DELETE archives and POST …/restore restores; both are idempotent and recorded")
    func archiveAndRestore() async throws {
        try await TestApp.run { api in
            let id = try #require(try await api.createCustomer(["name": "韩梅梅"])["id"]?.stringValue)
            api.clock.advance(by: 60)
            let archived = try await api.send(.DELETE, "/api/v1/customers/\(id)", headers: [("If-Match", "\"1\"")])
            #expect(archived.status == .ok)
            #expect(archived.json["archived_at"] != .null)
            #expect(try await api.send(.DELETE, "/api/v1/customers/\(id)").headers.first(name: "ETag") == "\"2\"")

            let current = try await api.send(.GET, "/api/v1/customers")
            #expect(current.json["items"] == [])
            let archivedList = try await api.send(.GET, "/api/v1/customers?archived=true")
            #expect(archivedList.json["items"]?[0]?["id"]?.stringValue == id)
            #expect(try await api.send(.GET, "/api/v1/customers/\(id)").status == .ok)

            let restored = try await api.send(.POST, "/api/v1/customers/\(id)/restore")
            #expect(restored.status == .ok)
            #expect(restored.json["archived_at"] == .null)
            #expect(restored.headers.first(name: "ETag") == "\"3\"")

            let kinds = try await api.send(.GET, "/api/v1/customers/\(id)/events").json["items"]?.arrayValue?
                .compactMap { $0["kind"]?.stringValue }
            // Archiving takes the customer out of its crowds (潜在客户 here); restoring puts it back.
            #expect(kinds == ["crowd_entered", "restored", "crowd_left", "archived", "crowd_entered", "created"])
        }
    }

    @Test("the list pages with a cursor, newest first, and q searches name, number, e-mail and phone")
    func listAndSearch() async throws {
        try await TestApp.run { api in
            for index in 1...5 {
                _ = try await api.createCustomer([
                    "name": .string("客户\(index)"), "emails": [["address": .string("c\(index)@shop.cn")]],
                    "phones": [["number": .string("1390000000\(index)")]],
                ])
            }
            let first = try await api.send(.GET, "/api/v1/customers?limit=2")
            #expect(first.json["items"]?.arrayValue?.compactMap { $0["number"]?.stringValue } == ["C-000005", "C-000004"])
            let cursor = try #require(first.json["next_cursor"]?.stringValue)
            let second = try await api.send(.GET, "/api/v1/customers?limit=2&cursor=\(cursor)")
            #expect(second.json["items"]?.arrayValue?.compactMap { $0["number"]?.stringValue } == ["C-000003", "C-000002"])
            let last = try await api.send(.GET, "/api/v1/customers?limit=2&cursor=\(second.json["next_cursor"]!.stringValue!)")
            #expect(last.json["items"]?.arrayValue?.count == 1)
            #expect(last.json["next_cursor"] == .null)

            func search(_ query: String) async throws -> [String] {
                let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                return try await api.send(.GET, "/api/v1/customers?q=\(encoded)").json["items"]?.arrayValue?
                    .compactMap { $0["number"]?.stringValue } ?? []
            }
            #expect(try await search("客户3") == ["C-000003"])
            #expect(try await search("c-000004") == ["C-000004"])
            #expect(try await search("C2@SHOP") == ["C-000002"])
            #expect(try await search("139 0000 0001") == ["C-000001"])
            #expect(try await search("%") == [])
        }
    }

    @Test("an external ID belongs to one customer; taking it again is a 422 naming the source")
    func externalIDsAreUnique() async throws {
        try await TestApp.run { api in
            _ = try await api.createCustomer(["name": "A", "external_ids": ["erp": "42"]])
            let second = try await api.send(.POST, "/api/v1/customers", json: ["name": "B", "external_ids": ["erp": "42"]])
            #expect(second.status == .unprocessableEntity)
            #expect(second.errorFields == ["external_ids.erp"])
            #expect(try await api.count("customers") == 1)

            let other = try await api.createCustomer(["name": "C", "external_ids": ["erp": "43"]])
            let id = try #require(other["id"]?.stringValue)
            let freed = try await api.send(.PATCH, "/api/v1/customers/\(id)", json: ["external_ids": ["erp": "44"]])
            #expect(freed.status == .ok)
            #expect(try await api.createCustomer(["name": "D", "external_ids": ["erp": "43"]])["number"] == "C-000003")
        }
    }

    @Test("owner_id must name an existing user")
    func ownerMustExist() async throws {
        try await TestApp.run { api in
            let response = try await api.send(
                .POST, "/api/v1/customers", json: ["name": "A", "owner_id": .string(UUID().uuidString)])
            #expect(response.status == .unprocessableEntity)
            #expect(response.errorFields == ["owner_id"])
            let ok = try await api.createCustomer(["name": "B", "owner_id": .string(api.adminID.uuidString)])
            #expect(ok["owner_id"]?.stringValue == api.adminID.uuidString.lowercased())
        }
    }
}
