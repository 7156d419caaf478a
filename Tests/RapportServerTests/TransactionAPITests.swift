import Foundation
import RapportCore
import Testing

@Suite("Transactions through the API")
struct TransactionAPITests {
    @Test("a purchase is recorded, listed, catalogued, and updates the customer's aggregates and stage")
    func purchase() async throws {
        try await TestApp.run { api in
            let id = try await api.customerID()
            let at = api.clock.now().addingTimeInterval(-3600)
            let response = try await api.send(.POST, "/api/v1/transactions",
                                              json: api.purchaseDocument(id, quantity: 2, at: at, externalID: "O-1"))
            #expect(response.status == .created)
            let transaction = response.json
            let transactionID = transaction["id"]?.stringValue ?? ""
            #expect(response.headers.first(name: "Location") == "/api/v1/transactions/\(transactionID)")
            #expect(transaction["amount_minor"] == 25_600)
            #expect(transaction["refunded_minor"] == 0)
            #expect(transaction["occurred_at"] == .string(RFC3339.format(at)))
            #expect(transaction["lines"]?[0]?["sku"] == "TEA-001")
            #expect(try await api.send(.GET, "/api/v1/transactions/\(transactionID)").json == transaction)

            let customer = try await api.customer(id)
            #expect(customer["orders_count"] == 1)
            #expect(customer["total_spent_minor"] == 25_600)
            #expect(customer["avg_order_minor"] == 25_600)
            #expect(customer["first_purchase_at"] == .string(RFC3339.format(at)))
            #expect(customer["last_purchase_at"] == .string(RFC3339.format(at)))
            #expect(customer["stage"] == "new")
            // The purchase happened before the customer was entered: the stage dates from when Rapport learned it.
            #expect(customer["stage_since"] == .string(RFC3339.format(api.clock.now())))
            #expect(customer["stage_reason"] == "first purchase 0 days ago; new for 30 days")
            #expect(customer["stage_overridden"] == false)

            let list = try await api.send(.GET, "/api/v1/customers/\(id)/transactions").json
            #expect(list["items"]?.arrayValue?.count == 1)
            let products = try await api.send(.GET, "/api/v1/products").json["items"]?.arrayValue ?? []
            #expect(products.map { $0["sku"] } == ["TEA-001"])
            #expect(products.first?["category"] == "茶叶")

            let transactionEvents = try await api.events(id, family: "transaction")
            #expect(transactionEvents.map { $0["kind"] } == ["purchase"])
            #expect(transactionEvents.first?["new_value"]?["amount_minor"] == 25_600)
            let statusEvents = try await api.stageEvents(id)
            #expect(statusEvents.map { $0["kind"] } == ["stage_changed"])
            #expect(statusEvents.first?["old_value"] == "prospect")
            #expect(statusEvents.first?["new_value"]?["stage"] == "new")
            #expect(statusEvents.first?["new_value"]?["rule"] == "first_purchase_recent")
        }
    }

    @Test("bad transactions are 4xx problems naming the field, and write nothing")
    func badInput() async throws {
        try await TestApp.run { api in
            let id = try await api.customerID()
            let path = "/api/v1/transactions"
            func document(_ changes: [String: JSONValue]) -> JSONValue {
                var document = api.purchaseDocument(id).objectValue ?? [:]
                document.merge(changes) { _, new in new }
                return .object(document)
            }
            func line(quantity: Double) -> JSONValue {
                [["sku": "X", "name": "x", "quantity": .number(quantity), "unit_price_minor": 100]]
            }
            try await api.expectRejected(422, fields: ["lines[0].quantity"]) {
                try await api.send(.POST, path, json: document(["lines": line(quantity: 0), "amount_minor": 100]))
            }
            try await api.expectRejected(422, fields: ["lines[0].quantity"]) {
                try await api.send(.POST, path, json: document(["lines": line(quantity: -2), "amount_minor": 100]))
            }
            try await api.expectRejected(422, fields: ["amount_minor"]) {
                try await api.send(.POST, path, json: document(["amount_minor": 12_801]))
            }
            try await api.expectRejected(422, fields: ["currency"]) {
                try await api.send(.POST, path, json: document(["currency": "USD"]))
            }
            try await api.expectRejected(422, fields: ["customer_id"]) {
                try await api.send(.POST, path, json: document(["customer_id": .string(UUID().uuidString)]))
            }
            try await api.expectRejected(422, fields: ["occurred_at"]) {
                try await api.send(.POST, path, json: document([
                    "occurred_at": .string(RFC3339.format(api.clock.now().addingTimeInterval(86_400))),
                ]))
            }
            try await api.expectRejected(422, fields: ["kind", "refund_of"]) {
                try await api.send(.POST, path, json: document(["kind": "gift", "refund_of": "nope"]))
            }
            try await api.expectRejected(415) {
                try await api.send(.POST, path, body: Data("x".utf8), contentType: "text/plain")
            }
            let analyst = try await api.user("analyst@example.com", role: .analyst)
            try await api.expectRejected(403) { try await api.send(.POST, path, token: analyst.token, json: document([:])) }
            // Another agent's customer does not exist as far as this agent knows.
            let agent = try await api.user("agent@example.com", role: .agent, team: "north")
            try await api.expectRejected(422, fields: ["customer_id"]) {
                try await api.send(.POST, path, token: agent.token, json: document([:]))
            }
        }
    }

    @Test("re-sending a transaction with the same external_id never duplicates it")
    func duplicateExternalID() async throws {
        try await TestApp.run { api in
            let id = try await api.customerID(extra: ["source": "shop"])
            let document = api.purchaseDocument(id, externalID: "O-77")
            let first = try await api.send(.POST, "/api/v1/transactions", json: document)
            #expect(first.status == .created)
            try await api.expectRejected(409) { try await api.send(.POST, "/api/v1/transactions", json: document) }
            let again = try await api.send(.POST, "/api/v1/transactions", json: document)
            #expect(again.json["detail"]?.stringValue?.contains(first.json["id"]?.stringValue ?? "?") == true)
            #expect(try await api.count("transactions") == 1)
            #expect(try await api.customer(id)["orders_count"] == 1)
            // The same ID from another source system is another transaction.
            let other = try await api.customerID("别人", extra: ["source": "wechat"])
            let elsewhere = try await api.send(.POST, "/api/v1/transactions",
                                               json: api.purchaseDocument(other, externalID: "O-77"))
            #expect(elsewhere.status == .created)
        }
    }

    @Test("refunds: never more than what is left of the purchase; a whole refund cancels the order")
    func refunds() async throws {
        try await TestApp.run { api in
            let id = try await api.customerID()
            let purchase = try await api.purchase(id, unitPrice: 10_000, at: api.clock.now().addingTimeInterval(-600))
            let purchaseID = purchase["id"]?.stringValue ?? ""
            func refund(_ amount: Int, of target: String? = nil) -> JSONValue {
                ["customer_id": .string(id), "kind": "refund", "occurred_at": .string(RFC3339.format(api.clock.now())),
                 "currency": "CNY", "amount_minor": .number(Double(amount)), "refund_of": .string(target ?? purchaseID)]
            }
            let partial = try await api.send(.POST, "/api/v1/transactions", json: refund(4_000))
            #expect(partial.status == .created)
            #expect(try await api.send(.GET, "/api/v1/transactions/\(purchaseID)").json["refunded_minor"] == 4_000)
            try await api.expectRejected(422, fields: ["amount_minor"]) {
                try await api.send(.POST, "/api/v1/transactions", json: refund(6_001))
            }
            try await api.expectRejected(422, fields: ["refund_of"]) {
                try await api.send(.POST, "/api/v1/transactions", json: refund(1, of: UUID().uuidString))
            }
            // Another customer's purchase cannot be refunded through this customer.
            let other = try await api.customerID("别人")
            let otherPurchase = try await api.purchase(other)["id"]?.stringValue
            try await api.expectRejected(422, fields: ["refund_of"]) {
                try await api.send(.POST, "/api/v1/transactions", json: refund(1, of: otherPurchase))
            }
            var customer = try await api.customer(id)
            #expect(customer["total_spent_minor"] == 6_000)
            #expect(customer["orders_count"] == 1)
            #expect(try await api.send(.POST, "/api/v1/transactions", json: refund(6_000)).status == .created)
            customer = try await api.customer(id)
            #expect(customer["total_spent_minor"] == 0)
            #expect(customer["orders_count"] == 0)
            #expect(customer["stage"] == "prospect")
            #expect(try await api.events(id, family: "transaction").map { $0["kind"] } == ["refund", "refund", "purchase"])
            // A refund without refund_of may not exceed what the customer spent, net.
            let unlinked: JSONValue = ["customer_id": .string(id), "kind": "refund", "currency": "CNY",
                                       "occurred_at": .string(RFC3339.format(api.clock.now())), "amount_minor": 1]
            try await api.expectRejected(422, fields: ["amount_minor"]) {
                try await api.send(.POST, "/api/v1/transactions", json: unlinked)
            }
        }
    }

    @Test("a customer's transactions page newest first with a cursor")
    func pagination() async throws {
        try await TestApp.run { api in
            let id = try await api.customerID()
            for hours in [30.0, 20, 10] {
                try await api.purchase(id, at: api.clock.now().addingTimeInterval(-hours * 3600))
            }
            let first = try await api.send(.GET, "/api/v1/customers/\(id)/transactions?limit=2").json
            let items = first["items"]?.arrayValue ?? []
            #expect(items.count == 2)
            #expect((items[0]["occurred_at"]?.stringValue ?? "") > (items[1]["occurred_at"]?.stringValue ?? ""))
            let cursor = first["next_cursor"]?.stringValue ?? ""
            let second = try await api.send(.GET, "/api/v1/customers/\(id)/transactions?limit=2&cursor=\(cursor)").json
            #expect(second["items"]?.arrayValue?.count == 1)
            #expect(second["next_cursor"] == .null)
            let bad = try await api.send(.GET, "/api/v1/customers/\(id)/transactions?cursor=zzz")
            #expect(bad.status == .badRequest)
            #expect(try await api.send(.GET, "/api/v1/customers/\(UUID().uuidString)/transactions").status == .notFound)
        }
    }
}
