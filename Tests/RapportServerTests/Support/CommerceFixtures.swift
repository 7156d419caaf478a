import Foundation
import RapportCore
import Testing

/// Building blocks for the transaction, interaction and lifecycle tests.
extension TestApp {
    /// A new customer's ID.
    func customerID(_ name: String = "顾客", token: String? = nil, extra: [String: JSONValue] = [:]) async throws
        -> String
    {
        var document: [String: JSONValue] = ["name": .string(name)]
        document.merge(extra) { _, new in new }
        return try await createCustomer(.object(document), token: token)["id"]?.stringValue ?? ""
    }

    /// A transaction document: one line of `quantity` × `unitPrice` fen, at `at` (now by default).
    func purchaseDocument(
        _ customerID: String, quantity: Int = 1, unitPrice: Int = 12_800, at: Date? = nil, sku: String = "TEA-001",
        externalID: String? = nil
    ) -> JSONValue {
        var document: [String: JSONValue] = [
            "customer_id": .string(customerID), "kind": "purchase",
            "occurred_at": .string(RFC3339.format(at ?? clock.now())), "currency": "CNY",
            "lines": [["sku": .string(sku), "name": "西湖龙井 250g", "category": "茶叶",
                       "quantity": .number(Double(quantity)), "unit_price_minor": .number(Double(unitPrice))]],
            "amount_minor": .number(Double(quantity * unitPrice)), "channel": "store",
        ]
        if let externalID { document["external_id"] = .string(externalID) }
        return .object(document)
    }

    /// Records a purchase and returns the transaction.
    @discardableResult
    func purchase(_ customerID: String, unitPrice: Int = 12_800, at: Date? = nil, token: String? = nil) async throws
        -> JSONValue
    {
        let response = try await send(.POST, "/api/v1/transactions", token: token,
                                      json: purchaseDocument(customerID, unitPrice: unitPrice, at: at))
        guard response.status == .created else {
            throw TestFailure("purchase failed with \(response.status): \(response.text)")
        }
        return response.json
    }

    /// The customer as the API shows it now.
    func customer(_ id: String, query: String = "") async throws -> JSONValue {
        try await send(.GET, "/api/v1/customers/\(id)\(query)").json
    }

    /// A customer's events of one family, newest first.
    func events(_ id: String, family: String) async throws -> [JSONValue] {
        try await send(.GET, "/api/v1/customers/\(id)/events?family=\(family)&limit=200").json["items"]?.arrayValue
            ?? []
    }

    /// A customer's `status` events other than crowd entries and exits, newest first: its stage history.
    func stageEvents(_ id: String) async throws -> [JSONValue] {
        try await events(id, family: "status").filter { $0["field"] != "crowds" }
    }

    /// Row counts of every table a commerce write touches, to prove a rejected request wrote nothing.
    func commerceCounts() async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in ["customers", "customer_events", "transactions", "interactions", "products", "stage_periods"] {
            counts[table] = try await count(table)
        }
        return counts
    }

    /// Sends a bad request and checks the problem status and fields, and that no table changed.
    func expectRejected(
        _ status: Int, fields: [String]? = nil, sourceLocation: SourceLocation = #_sourceLocation,
        _ send: () async throws -> TestResponse
    ) async throws {
        let before = try await commerceCounts()
        let response = try await send()
        #expect(Int(response.status.code) == status, "\(response.text)", sourceLocation: sourceLocation)
        #expect(response.headers.first(name: "Content-Type")?.hasPrefix("application/problem+json") == true,
                sourceLocation: sourceLocation)
        if let fields { #expect(response.errorFields.sorted() == fields.sorted(), "\(response.text)",
                                sourceLocation: sourceLocation) }
        #expect(try await commerceCounts() == before, "a row was written", sourceLocation: sourceLocation)
    }
}
