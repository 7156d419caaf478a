import Foundation
import RapportCore
import RapportStore
import SQLKit
import Testing

/// A person with something of every kind on record: contact points, a changed name and phone, a manual stage with a
/// typed reason, purchases, an interaction, a crowd entered and left, and responses kept under `Idempotency-Key`s.
private struct Person {
    let id: String
    let number: String
    /// Strings that identify the person: none may survive an erasure anywhere.
    static let secrets = [
        "王小明", "王大明", "xiaoming@example.com", "daming@example.com", "+8613800138000", "13800138000",
        "+8613900139000", "wxid_xiaoming", "南京西路1266号", "1990-05-17", "会员卡", "M-778899", "ERP-42",
        "回访王先生", "王先生说下周再来", "愿意续费", "王先生要求暂停",
    ]
    static let createKey = "create-wang"
    static let interactionKey = "call-wang"
    static var document: JSONValue {
        [
            "name": "王小明", "emails": [["address": "XiaoMing@Example.COM"]], "phones": [["number": "138 0013 8000"]],
            "social": [["network": "wechat", "handle": "wxid_xiaoming"]],
            "addresses": [["province": "上海市", "city": "上海市", "street": "南京西路1266号"]],
            "birthday": "1990-05-17", "attributes": ["会员卡": "M-778899"], "external_ids": ["erp": "ERP-42"],
            "consent": ["sms": true], "tags": ["vip"], "team": "east", "source": "erp",
        ]
    }

    static func create(_ api: TestApp) async throws -> Person {
        let created = try await api.send(.POST, "/api/v1/customers", headers: [("Idempotency-Key", createKey)],
                                         json: document)
        guard created.status == .created, let id = created.json["id"]?.stringValue,
            let number = created.json["number"]?.stringValue
        else { throw TestFailure("create failed: \(created.text)") }
        let crowd = try await api.send(.POST, "/api/v1/crowds", json: ["name": "贵宾", "rule": "tag = \"vip\""])
        guard crowd.status == .created else { throw TestFailure("crowd failed: \(crowd.text)") }
        api.clock.advance(by: 60)
        _ = try await api.send(.PATCH, "/api/v1/customers/\(id)", json: [
            "name": "王大明", "phones": [["number": "139 0013 9000"]],
            "emails": [["address": "xiaoming@example.com"], ["address": "daming@example.com"]],
        ])
        api.clock.advance(by: 60)
        try await api.purchase(id, unitPrice: 25_600)
        api.clock.advance(by: 60)
        try await api.purchase(id, unitPrice: 9_900)
        api.clock.advance(by: 60)
        let call = try await api.send(.POST, "/api/v1/interactions", headers: [("Idempotency-Key", interactionKey)],
                                      json: interaction(id, at: api.clock.now()))
        guard call.status == .created else { throw TestFailure("interaction failed: \(call.text)") }
        api.clock.advance(by: 60)
        let stage = try await api.send(.PUT, "/api/v1/customers/\(id)/stage",
                                       json: ["stage": "active", "reason": "王先生要求暂停"])
        guard stage.status == .ok else { throw TestFailure("stage failed: \(stage.text)") }
        api.clock.advance(by: 60)
        return Person(id: id, number: number)
    }

    static func interaction(_ id: String, at time: Date) -> JSONValue {
        [
            "customer_id": .string(id), "channel": "phone", "direction": "outbound",
            "occurred_at": .string(RFC3339.format(time)), "subject": "回访王先生", "notes": "王先生说下周再来",
            "outcome": "愿意续费", "quality": 5,
        ]
    }
}

extension TestApp {
    /// Every text column of the tables that hold customer data, joined: what an erasure must have cleaned.
    func storedText() async throws -> String {
        let sql = app.db as! any SQLDatabase
        var text = ""
        let columns = [
            ("customers", ["name", "document", "search_text"]), ("customer_events", ["old_value", "new_value"]),
            ("interactions", ["subject", "notes", "outcome"]), ("customer_contacts", ["value"]),
            ("customer_external_ids", ["external_id"]), ("stage_periods", ["reason"]),
            ("customer_stats", ["stage_reason"]), ("audit_log", ["detail"]),
        ]
        for (table, names) in columns {
            for row in try await sql.select().columns(names.map { SQLColumn($0) }).from(table).all() {
                for name in names { text += (try row.decode(column: name, as: String?.self) ?? "") + "\n" }
            }
        }
        for row in try await sql.select().column("response_body").from("idempotency_keys").all() {
            text += String(decoding: try row.decode(column: "response_body", as: Data?.self) ?? Data(), as: UTF8.self)
        }
        return text
    }

    /// The audit log, newest first.
    func auditEntries() async throws -> [AuditEntry] {
        try await AuditLog(app.rapportDatabase).list(after: nil, limit: 200)
    }

    /// Every page of a list endpoint, in the order the endpoint gives.
    func allPages(_ path: String, limit: Int = 50) async throws -> [JSONValue] {
        var items: [JSONValue] = []
        var cursor: String?
        repeat {
            let separator = path.contains("?") ? "&" : "?"
            let page = try await send(.GET, path + separator + "limit=\(limit)" + (cursor.map { "&cursor=\($0)" } ?? ""))
            items += page.json["items"]?.arrayValue ?? []
            cursor = page.json["next_cursor"]?.stringValue
        } while cursor != nil
        return items
    }
}

@Suite("Data-subject requests: export and erasure")
struct DataSubjectAPITests {
    @Test("an export holds everything about the customer as one attachment, each part as its endpoint shows it")
    func exportHoldsEverything() async throws {
        try await TestApp.run { api in
            let person = try await Person.create(api)
            // More events than one page, so the export must hold them all.
            for index in 0..<55 {
                _ = try await api.send(.PATCH, "/api/v1/customers/\(person.id)", json: ["team": .string("t\(index % 2)")])
            }
            _ = try await api.send(.PATCH, "/api/v1/customers/\(person.id)", json: ["tags": []])
            // A few more buyers, so that a recompute can fit the value model and score the person.
            for index in 0..<10 {
                let other = try await api.customerID("顾客\(index)")
                for step in 0..<4 {
                    try await api.purchase(other, unitPrice: 5_000 + 1_000 * index,
                                           at: api.clock.now().addingTimeInterval(-Double(step * (10 + index)) * 86_400))
                }
            }
            let recompute = try await api.send(.POST, "/api/v1/lifecycle/recompute")
            #expect(recompute.status == .ok && recompute.json["analytics"]?["skipped"] == .null, "\(recompute.text)")
            let audited = try await api.count("audit_log")

            let response = try await api.send(.GET, "/api/v1/customers/\(person.id)/export")
            #expect(response.status == .ok, "\(response.text)")
            #expect(response.headers.first(name: "Content-Type")?.hasPrefix("application/json") == true)
            #expect(response.headers.first(name: "Content-Disposition")
                    == "attachment; filename=\"customer-\(person.number).json\"")
            let export = response.json
            #expect(export["exported_at"] == .string(RFC3339.format(api.clock.now())))
            #expect(export["customer"] == (try await api.customer(person.id)))
            let events = try await api.allPages("/api/v1/customers/\(person.id)/events")
            #expect(events.count > 60)
            #expect(export["events"]?.arrayValue == Array(events.reversed()))
            let transactions = try await api.allPages("/api/v1/customers/\(person.id)/transactions")
            #expect(transactions.count == 2)
            #expect(export["transactions"]?.arrayValue == Array(transactions.reversed()))
            let interactions = try await api.allPages("/api/v1/customers/\(person.id)/interactions")
            #expect(export["interactions"]?.arrayValue == interactions)
            let value = try await api.send(.GET, "/api/v1/customers/\(person.id)/value")
            #expect(value.status == .ok, "\(value.text)")
            #expect(export["value"] == value.json)
            #expect(export["external_ids"] == [["source": "erp", "id": "ERP-42"]])

            let crowd = try #require(try await api.send(.GET, "/api/v1/crowds").json["items"]?.arrayValue?
                .first { $0["name"] == "贵宾" })
            // Built-in crowds come and go with the purchases; the user's crowd was left once, when the tag went.
            let exits = (export["crowd_exits"]?.arrayValue ?? []).filter { $0["key"] == .null }
            #expect(exits.count == 1)
            #expect(exits.first?["id"] == crowd["id"])
            #expect(exits.first?["key"] == .null)
            #expect(exits.first?["until"]?.stringValue != nil)
            let memberships = export["crowd_memberships"]?.arrayValue ?? []
            #expect(!memberships.isEmpty)
            #expect(memberships.allSatisfy { $0["key"]?.stringValue != nil && $0["until"] == nil })

            let entries = try await api.auditEntries()
            #expect(try await api.count("audit_log") == audited + 1)
            let entry = try #require(entries.first)
            #expect(entry.entry.action == .customerExported)
            #expect(entry.entry.targetKind == "customer")
            #expect(entry.entry.targetID == person.id)
            #expect(entry.entry.actor.kind == .token)
            #expect(entry.entry.detail["number"] == .string(person.number))
            #expect(!entry.entry.detail.encodedText().contains("王"))
        }
    }

    @Test("an export sees what a read sees: another agent's customer is a 404 and is not audit-logged")
    func exportVisibility() async throws {
        try await TestApp.run { api in
            let east = try await api.user("east@example.com", role: .agent, team: "east")
            let west = try await api.user("west@example.com", role: .agent, team: "west")
            let id = try await api.customerID("东区客户", token: east.token)
            #expect(try await api.send(.GET, "/api/v1/customers/\(id)/export", token: west.token).status == .notFound)
            #expect(try await api.send(.GET, "/api/v1/customers/\(UUID())/export").status == .notFound)
            #expect(try await api.send(.GET, "/api/v1/customers/not-a-uuid/export").status == .notFound)
            #expect(try await api.count("audit_log") == 0)
            let own = try await api.send(.GET, "/api/v1/customers/\(id)/export", token: east.token)
            #expect(own.status == .ok)
            #expect(own.json["customer"]?["name"] == "东区客户")
            #expect(try await api.auditEntries().map(\.entry.actor.id) == [try await api.tokenID(of: east.id)])
        }
    }

    @Test("only administrators may erase: others get a 403, the refusal is audit-logged and nothing changes")
    func eraseIsForAdmins() async throws {
        try await TestApp.run { api in
            let manager = try await api.user("m@example.com", role: .manager, team: "east")
            let agent = try await api.user("a@example.com", role: .agent, team: "east")
            let analyst = try await api.user("x@example.com", role: .analyst)
            let id = try await api.customerID("不可删", extra: ["team": "east"])
            let before = try await api.customer(id)
            for token in [manager.token, agent.token, analyst.token] {
                try await api.expectRejected(403) {
                    try await api.send(.POST, "/api/v1/customers/\(id)/erase", token: token)
                }
            }
            #expect(try await api.customer(id) == before)
            let entries = try await api.auditEntries()
            #expect(entries.count == 3)
            #expect(entries.allSatisfy { $0.entry.action == .permissionDenied && $0.entry.targetID == id
                && $0.entry.detail["operation"] == "customer.erased" })
        }
    }

    @Test("erasure leaves a tombstone: no personal data in the record, its events, interactions or stored responses")
    func eraseRemovesPersonalData() async throws {
        try await TestApp.run { api in
            let person = try await Person.create(api)
            let createdAt = try #require(RFC3339.parse(try await api.customer(person.id)["created_at"]?.stringValue ?? ""))
            let stored = try await api.storedText()
            #expect(Person.secrets.allSatisfy { stored.contains($0) }, "the fixture must hold every secret")
            let read = try await api.send(.GET, "/api/v1/customers/\(person.id)")
            let before = read.json
            let version = try #require(read.headers.first(name: "ETag").flatMap { Int($0.dropFirst().dropLast()) })
            let transactions = try await api.allPages("/api/v1/customers/\(person.id)/transactions")
            let lastSeq = try await api.allPages("/api/v1/customers/\(person.id)/events")
                .compactMap { $0["seq"]?.numberValue }.max() ?? 0

            let response = try await api.send(.POST, "/api/v1/customers/\(person.id)/erase")
            #expect(response.status == .ok, "\(response.text)")
            let tombstone = response.json
            #expect(response.headers.first(name: "ETag") == "\"\(version + 1)\"")
            #expect(tombstone["name"] == "[erased]")
            for (key, empty) in [("emails", []), ("phones", []), ("social", []), ("addresses", []), ("tags", []),
                                 ("attributes", [:]), ("external_ids", [:]), ("consent", [:])] as [(String, JSONValue)] {
                #expect(tombstone[key] == empty, "\(key)")
            }
            #expect(tombstone["birthday"] == .null)
            for kept in ["kind", "owner_id", "team", "source", "number", "id", "created_at"] {
                #expect(tombstone[kept] == before[kept], "\(kept)")
            }
            #expect(tombstone["archived_at"] == .string(RFC3339.format(api.clock.now())))
            #expect(try await api.customer(person.id) == tombstone)

            // Aggregates stay.
            for stat in ["orders_count", "total_spent_minor", "first_purchase_at", "last_purchase_at", "stage",
                         "stage_since", "stage_overridden", "last_interaction_at", "interactions_90d"] {
                #expect(tombstone[stat] == before[stat], "\(stat)")
            }
            #expect(tombstone["stage_reason"] == "[erased]")
            #expect(try await api.allPages("/api/v1/customers/\(person.id)/transactions") == transactions)

            // Nothing personal is left anywhere, and the contact and external-ID index rows are gone.
            let text = try await api.storedText()
            for secret in Person.secrets { #expect(!text.contains(secret), "\(secret) survived the erasure") }
            let sql = api.app.db as! any SQLDatabase
            for table in ["customer_contacts", "customer_external_ids"] {
                let rows = try await sql.select().column("customer_id").from(table)
                    .where("customer_id", .equal, UUID(uuidString: person.id)!).all()
                #expect(rows.isEmpty, "\(table)")
            }
            let interaction = try #require(try await api.allPages("/api/v1/customers/\(person.id)/interactions").first)
            #expect(interaction["subject"] == "[erased]")
            #expect(interaction["notes"] == .null)
            #expect(interaction["outcome"] == .null)
            #expect(interaction["quality"] == 5)
            #expect(try await api.send(.GET, "/api/v1/customers?archived=true&q=王").json["items"]?.arrayValue == [])

            // History: every past view is the tombstone; the erasure, the archiving and the crowd exit are events.
            for instant in [createdAt, createdAt.addingTimeInterval(90), api.clock.now()] {
                let past = try await api.send(.GET, "/api/v1/customers/\(person.id)?as_of=\(RFC3339.format(instant))")
                #expect(past.status == .ok, "\(past.text)")
                #expect(past.json["name"] == "[erased]")
                #expect(past.json["emails"] == [])
                #expect(past.json["phones"] == [])
                #expect(past.json["team"] == "east")
            }
            var now = try await api.send(.GET, "/api/v1/customers/\(person.id)?as_of=\(RFC3339.format(api.clock.now()))")
                .json.objectValue ?? [:]
            #expect(now.removeValue(forKey: "as_of") != nil)
            #expect(JSONValue.object(now) == tombstone)
            let events = try await api.allPages("/api/v1/customers/\(person.id)/events")
            let appended = events.filter { ($0["seq"]?.numberValue ?? 0) > lastSeq }
            #expect(appended.filter { $0["field"] != "crowds" }.map { $0["kind"] } == ["archived", "erased"])
            #expect(appended.filter { $0["field"] == "crowds" }.allSatisfy { $0["kind"] == "crowd_left" })
            #expect(appended.contains { $0["old_value"]?["name"] == "贵宾" })
            #expect(appended.filter { $0["field"] != "crowds" }.allSatisfy { $0["actor"]?["type"] == "token" })
            #expect(appended.first { $0["kind"] == "erased" }.map { $0["old_value"] == .null && $0["new_value"] == .null }
                    == true)
            #expect(events.last?["new_value"]?["name"] == "[erased]")
            #expect(events.last?["new_value"]?["source"] == "erp")
            let nameChange = try #require(events.first { $0["field"] == "name" })
            #expect(nameChange["old_value"] == "[erased]" && nameChange["new_value"] == "[erased]")
            let members = try await api.send(.GET, "/api/v1/crowds").json["items"]?.arrayValue?
                .first { $0["name"] == "贵宾" }
            #expect(members?["member_count"] == 0)

            // A stored response that held the person is replaced: a retry neither replays it nor runs again.
            let customers = try await api.count("customers")
            let retry = try await api.send(.POST, "/api/v1/customers", headers: [("Idempotency-Key", Person.createKey)],
                                           json: Person.document)
            #expect(retry.status == .gone, "\(retry.text)")
            #expect(retry.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(retry.json["type"] == "/problems/erased")
            #expect(retry.headers.first(name: "Content-Type")?.hasPrefix("application/problem+json") == true)
            #expect(try await api.count("customers") == customers)

            let entry = try #require(try await api.auditEntries().first)
            #expect(entry.entry.action == .customerErased)
            #expect(entry.entry.targetID == person.id)
            #expect(entry.entry.detail["number"] == .string(person.number))
            #expect(entry.entry.detail["already_erased"] == false)
            #expect(entry.entry.detail["stored_responses_replaced"] == 2)
        }
    }

    @Test("erasing again is a 200 that writes nothing but its audit entry, until personal data comes back")
    func eraseAgainIsIdempotent() async throws {
        try await TestApp.run { api in
            let person = try await Person.create(api)
            let first = try await api.send(.POST, "/api/v1/customers/\(person.id)/erase")
            #expect(first.status == .ok)
            let events = try await api.count("customer_events")
            api.clock.advance(by: 5)
            let second = try await api.send(.POST, "/api/v1/customers/\(person.id)/erase", json: [:])
            #expect(second.status == .ok, "\(second.text)")
            #expect(second.json == first.json)
            #expect(second.headers.first(name: "ETag") == first.headers.first(name: "ETag"))
            #expect(try await api.count("customer_events") == events)
            #expect(try await api.auditEntries().first?.entry.detail["already_erased"] == true)

            // An interaction logged on the archived tombstone is personal data again: the next erasure removes it.
            let call = try await api.send(.POST, "/api/v1/interactions",
                                          json: Person.interaction(person.id, at: api.clock.now()))
            #expect(call.status == .created)
            api.clock.advance(by: 5)
            let third = try await api.send(.POST, "/api/v1/customers/\(person.id)/erase")
            #expect(third.status == .ok)
            #expect(third.json["archived_at"] == first.json["archived_at"])
            #expect(third.json["updated_at"] == .string(RFC3339.format(api.clock.now())))
            var now = try await api.send(.GET, "/api/v1/customers/\(person.id)?as_of=\(RFC3339.format(api.clock.now()))")
                .json.objectValue ?? [:]
            #expect(now.removeValue(forKey: "as_of") != nil)
            #expect(JSONValue.object(now) == third.json)
            let text = try await api.storedText()
            for secret in Person.secrets { #expect(!text.contains(secret), "\(secret) survived the erasure") }
            let newest = try await api.allPages("/api/v1/customers/\(person.id)/events").first
            #expect(newest?["kind"] == "erased")
            #expect(try await api.auditEntries().first?.entry.detail["already_erased"] == false)
        }
    }

    @Test("a bad erase request is refused with an error naming what is wrong, and changes nothing")
    func eraseRejectsBadInput() async throws {
        try await TestApp.run { api in
            let id = try await api.customerID("张三", extra: ["phones": [["number": "13800138000"]]])
            let before = try await api.customer(id)
            let path = "/api/v1/customers/\(id)/erase"
            try await api.expectRejected(422, fields: ["reason", "scope"]) {
                try await api.send(.POST, path, json: ["reason": "asked by phone", "scope": "all"])
            }
            try await api.expectRejected(422, fields: [""]) { try await api.send(.POST, path, json: ["x"]) }
            try await api.expectRejected(400) { try await api.send(.POST, path, body: Data("{".utf8)) }
            try await api.expectRejected(415) {
                try await api.send(.POST, path, body: Data("{}".utf8), contentType: "text/plain")
            }
            try await api.expectRejected(400, fields: ["If-Match"]) {
                try await api.send(.POST, path, headers: [("If-Match", "three")])
            }
            try await api.expectRejected(412) { try await api.send(.POST, path, headers: [("If-Match", "\"7\"")]) }
            try await api.expectRejected(404) { try await api.send(.POST, "/api/v1/customers/\(UUID())/erase") }
            #expect(try await api.customer(id) == before)
            #expect(try await api.count("audit_log") == 0)
            let matching = try await api.send(.POST, path, headers: [("If-Match", "\"1\"")])
            #expect(matching.status == .ok, "\(matching.text)")
        }
    }
}

extension TestApp {
    /// The ID of a user's token (the actor of what the user does through the API).
    func tokenID(of userID: UUID) async throws -> UUID? {
        let row = try await (app.db as! any SQLDatabase).select().column("id").from("api_tokens")
            .where("user_id", .equal, userID).first()
        return try row?.decode(column: "id", as: UUID.self)
    }
}
