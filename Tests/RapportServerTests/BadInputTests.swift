import Foundation
import RapportCore
import Testing

/// Every class of bad input answers a 4xx problem naming the field, and writes no row and no event.
@Suite("Bad input is rejected and changes nothing")
struct BadInputTests {
    /// Sends a bad request and checks the status, the problem body, the named fields, and that nothing was written.
    static func expectRejected(
        _ api: TestApp, _ status: Int, fields: [String]? = nil,
        _ send: () async throws -> TestResponse, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let customers = try await api.count("customers")
        let events = try await api.count("customer_events")
        let response = try await send()
        #expect(Int(response.status.code) == status, "\(response.text)", sourceLocation: sourceLocation)
        #expect(response.headers.first(name: "Content-Type")?.hasPrefix("application/problem+json") == true,
                sourceLocation: sourceLocation)
        #expect(response.json["status"] == .number(Double(status)), sourceLocation: sourceLocation)
        #expect(response.json["title"]?.stringValue?.isEmpty == false, sourceLocation: sourceLocation)
        if let fields { #expect(response.errorFields.sorted() == fields.sorted(), sourceLocation: sourceLocation) }
        #expect(try await api.count("customers") == customers, "a row was written", sourceLocation: sourceLocation)
        #expect(try await api.count("customer_events") == events, "an event was written", sourceLocation: sourceLocation)
    }

    @Test("malformed JSON, invalid UTF-8, a non-object body and a wrong media type")
    func malformedBodies() async throws {
        try await TestApp.run { api in
            let path = "/api/v1/customers"
            try await Self.expectRejected(api, 400) { try await api.send(.POST, path, body: Data("{\"name\": ".utf8)) }
            try await Self.expectRejected(api, 400) {
                try await api.send(.POST, path, body: Data([0x7B, 0x22, 0x6E, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D]))
            }
            try await Self.expectRejected(api, 422) { try await api.send(.POST, path, json: ["just", "an", "array"]) }
            try await Self.expectRejected(api, 415) {
                try await api.send(.POST, path, body: Data("name=x".utf8), contentType: "application/x-www-form-urlencoded")
            }
            try await Self.expectRejected(api, 415) { try await api.send(.POST, path) }
        }
    }

    @Test("wrong types, unknown and read-only fields, missing name — every problem listed at once")
    func invalidFields() async throws {
        try await TestApp.run { api in
            let path = "/api/v1/customers"
            try await Self.expectRejected(api, 422, fields: ["name"]) { try await api.send(.POST, path, json: ["tags": ["x"]]) }
            try await Self.expectRejected(api, 422, fields: ["name", "tags"]) {
                try await api.send(.POST, path, json: ["name": 42, "tags": "vip"])
            }
            try await Self.expectRejected(api, 422, fields: ["nickname"]) {
                try await api.send(.POST, path, json: ["name": "A", "nickname": "a"])
            }
            try await Self.expectRejected(api, 422, fields: ["number"]) {
                try await api.send(.POST, path, json: ["name": "A", "number": "C-999999"])
            }
            try await Self.expectRejected(api, 422, fields: ["emails[0].addr"]) {
                try await api.send(.POST, path, json: ["name": "A", "emails": [["addr": "a@b.cn", "address": "a@b.cn"]]])
            }
            try await Self.expectRejected(api, 422, fields: ["attributes.nested", "kind"]) {
                try await api.send(.POST, path, json: ["name": "A", "kind": "robot", "attributes": ["nested": ["x": 1]]])
            }
            try await Self.expectRejected(api, 422, fields: ["birthday", "consent.sms", "owner_id"]) {
                try await api.send(.POST, path, json: ["name": "A", "birthday": "1990-02-30", "consent": ["sms": "yes"], "owner_id": "me"])
            }
            try await Self.expectRejected(api, 422, fields: ["name"]) {
                try await api.send(.POST, path, json: ["name": .string(String(repeating: "长", count: 201))])
            }
        }
    }

    @Test("invalid e-mail addresses and phone numbers name the entry")
    func invalidContactPoints() async throws {
        try await TestApp.run { api in
            let path = "/api/v1/customers"
            try await Self.expectRejected(api, 422, fields: ["emails[1].address"]) {
                try await api.send(.POST, path, json: ["name": "A", "emails": [["address": "ok@shop.cn"], ["address": "not-an-email"]]])
            }
            try await Self.expectRejected(api, 422, fields: ["phones[0].number"]) {
                try await api.send(.POST, path, json: ["name": "A", "phones": [["number": "138-0013"]]])
            }
            try await Self.expectRejected(api, 422, fields: ["phones[0].number"]) {
                try await api.send(.POST, path, json: ["name": "A", "phones": [["number": "call me"]]])
            }
            try await Self.expectRejected(api, 422, fields: ["emails[1].address"]) {
                try await api.send(.POST, path, json: ["name": "A", "emails": [["address": "a@x.cn"], ["address": "A@X.CN"]]])
            }
        }
    }

    @Test("a body over the size limit is a 413")
    func oversizedBody() async throws {
        try await TestApp.run(maxBodyBytes: 4096) { api in
            let big = JSONValue.object(["name": "A", "attributes": ["blob": .string(String(repeating: "x", count: 8000))]])
            try await Self.expectRejected(api, 413) { try await api.send(.POST, "/api/v1/customers", json: big) }
            #expect(try await api.send(.POST, "/api/v1/customers", json: ["name": "small"]).status == .created)
        }
    }

    @Test("bad PATCH bodies leave the stored customer exactly as it was")
    func badPatchChangesNothing() async throws {
        try await TestApp.run { api in
            let created = try await api.createCustomer(["name": "原样", "emails": [["address": "keep@shop.cn"]]])
            let id = try #require(created["id"]?.stringValue)
            let path = "/api/v1/customers/\(id)"
            try await Self.expectRejected(api, 422, fields: ["id"]) { try await api.send(.PATCH, path, json: ["id": nil]) }
            try await Self.expectRejected(api, 422, fields: ["name"]) { try await api.send(.PATCH, path, json: ["name": nil]) }
            try await Self.expectRejected(api, 422, fields: ["emails[0].address"]) {
                try await api.send(.PATCH, path, json: ["emails": [["address": "broken@"]]])
            }
            try await Self.expectRejected(api, 422) { try await api.send(.PATCH, path, json: "replace everything") }
            try await Self.expectRejected(api, 400) { try await api.send(.PATCH, path, body: Data("{".utf8)) }
            try await Self.expectRejected(api, 400, fields: ["If-Match"]) {
                try await api.send(.PATCH, path, headers: [("If-Match", "version 1")], json: ["name": "x"])
            }
            let after = try await api.send(.GET, path)
            #expect(after.json == created)
            #expect(after.headers.first(name: "ETag") == "\"1\"")
        }
    }

    @Test("bad query parameters: cursor, limit, as_of, archived; an unknown ID is a 404")
    func badParameters() async throws {
        try await TestApp.run { api in
            let id = try #require(try await api.createCustomer(["name": "查询"])["id"]?.stringValue)
            let cases: [(String, Int, String?)] = [
                ("/api/v1/customers?cursor=not-a-cursor", 400, "cursor"),
                ("/api/v1/customers?cursor=Zm9vOmJhcg", 400, "cursor"),
                ("/api/v1/customers?limit=0", 400, "limit"),
                ("/api/v1/customers?limit=201", 400, "limit"),
                ("/api/v1/customers?limit=ten", 400, "limit"),
                ("/api/v1/customers?archived=maybe", 400, "archived"),
                ("/api/v1/customers/\(id)?as_of=last-tuesday", 400, "as_of"),
                ("/api/v1/customers/\(id)/events?cursor=%%%", 400, "cursor"),
                ("/api/v1/events?after=abc", 400, "after"),
                ("/api/v1/customers/\(UUID().uuidString)", 404, nil),
                ("/api/v1/customers/not-a-uuid", 404, nil),
            ]
            for (path, status, field) in cases {
                try await Self.expectRejected(api, status, fields: field.map { [$0] }) { try await api.send(.GET, path) }
            }
        }
    }
}
