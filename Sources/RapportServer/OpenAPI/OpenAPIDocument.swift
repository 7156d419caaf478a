import Foundation
import RapportCore
import Vapor

/// The OpenAPI 3.1 document served at `/api/openapi.json`. A test fails when a registered route is missing here.
enum OpenAPIDocument {
    static func response() throws -> Response {
        Response(status: .ok, headers: ["Content-Type": "application/json"], body: .init(string: text))
    }

    static let text = document.encodedText()

    static func ref(_ kind: String, _ name: String) -> JSONValue {
        ["$ref": .string("#/components/\(kind)/\(name)")]
    }

    static func json(_ schema: String) -> JSONValue {
        ["application/json": ["schema": OpenAPISchemas.ref(schema)]]
    }

    static func ok(_ schema: String, _ description: String = "OK", etag: Bool = false) -> JSONValue {
        var response: [String: JSONValue] = ["description": .string(description), "content": json(schema)]
        if etag { response["headers"] = ["ETag": ref("headers", "ETag")] }
        return .object(response)
    }

    static func errors(_ statuses: [Int]) -> [String: JSONValue] {
        Dictionary(uniqueKeysWithValues: statuses.map { (String($0), ref("responses", "Problem")) })
    }

    static func operation(
        _ id: String, _ summary: String, tag: String, parameters: [JSONValue] = [], body: JSONValue? = nil,
        responses: [String: JSONValue], errorStatuses: [Int], secured: Bool = true
    ) -> JSONValue {
        var operation: [String: JSONValue] = [
            "operationId": .string(id), "summary": .string(summary), "tags": [.string(tag)],
            "responses": .object(responses.merging(errors(errorStatuses)) { first, _ in first }),
        ]
        if !parameters.isEmpty { operation["parameters"] = .array(parameters) }
        if let body { operation["requestBody"] = body }
        if !secured { operation["security"] = [] }
        return .object(operation)
    }

    static func body(
        _ schema: String, mediaTypes: [String] = ["application/json"], required: Bool = true
    ) -> JSONValue {
        let content = Dictionary(uniqueKeysWithValues: mediaTypes.map {
            ($0, ["schema": OpenAPISchemas.ref(schema)] as JSONValue)
        })
        return ["required": .bool(required), "content": .object(content)]
    }

    static func query(_ name: String, _ description: String, schema: JSONValue) -> JSONValue {
        ["name": .string(name), "in": "query", "required": false, "description": .string(description), "schema": schema]
    }

    static let limit = ref("parameters", "Limit")
    static let cursor = ref("parameters", "Cursor")
    static let id = ref("parameters", "ID")
    static let crowdID = ref("parameters", "CrowdID")
    static let ifMatch = ref("parameters", "IfMatch")
    static let idempotencyKey = ref("parameters", "IdempotencyKey")
    static let location: JSONValue = ["schema": ["type": "string"]]
    static let created: JSONValue = ["Location": location, "ETag": ref("headers", "ETag")]

    /// The paths of customers, their activity, lifecycle, analytics, crowds, users and tokens.
    static let corePaths: [String: JSONValue] = [
        "/healthz": ["get": operation("health", "The process answers", tag: "health",
                                      responses: ["200": ok("Health")], errorStatuses: [], secured: false)],
        "/readyz": ["get": operation("ready", "The database answers", tag: "health",
                                     responses: ["200": ok("Health")], errorStatuses: [503], secured: false)],
        "/api/openapi.json": ["get": operation(
            "openapi", "This document", tag: "health",
            responses: ["200": ["description": "OpenAPI 3.1 document",
                                "content": ["application/json": ["schema": ["type": "object"]]]]],
            errorStatuses: [], secured: false)],
        "/api/v1/customers": [
            "get": operation(
                "listCustomers", "List customers, newest first", tag: "customers",
                parameters: [
                    limit, cursor,
                    query("q", "Substring of name, number, e-mail or phone.", schema: ["type": "string", "maxLength": 200]),
                    query("archived", "List archived customers instead of current ones.", schema: ["type": "boolean"]),
                    query("filter", "A crowd rule the customers must satisfy, e.g. `tier = high and city = \"上海\"`.",
                          schema: ["type": "string", "maxLength": .number(Double(CrowdRequests.maxFilterLength))]),
                ],
                responses: ["200": ok("CustomerPage")], errorStatuses: [400, 401, 422]),
            "post": operation(
                "createCustomer", "Create a customer", tag: "customers", parameters: [idempotencyKey],
                body: body("CustomerInput"),
                responses: ["201": ["description": "Created", "headers": created, "content": json("Customer")]],
                errorStatuses: [400, 401, 403, 409, 410, 413, 415, 422]),
        ],
        "/api/v1/customers/{id}": [
            "get": operation(
                "getCustomer", "A customer, now or as it was at `as_of`", tag: "customers",
                parameters: [id, query("as_of", "An RFC 3339 time: show the customer as it was then.",
                                       schema: ["type": "string", "format": "date-time"])],
                responses: ["200": ok("Customer", etag: true)], errorStatuses: [400, 401, 404]),
            "patch": operation(
                "updateCustomer", "Change a customer with a JSON Merge Patch", tag: "customers",
                parameters: [id, ifMatch],
                body: body("CustomerPatch", mediaTypes: ["application/merge-patch+json", "application/json"]),
                responses: ["200": ok("Customer", etag: true)],
                errorStatuses: [400, 401, 403, 404, 412, 413, 415, 422]),
            "delete": operation(
                "archiveCustomer", "Archive a customer (kept, with its history)", tag: "customers",
                parameters: [id, ifMatch], responses: ["200": ok("Customer", etag: true)],
                errorStatuses: [400, 401, 403, 404, 412]),
        ],
        "/api/v1/customers/{id}/restore": [
            "post": operation(
                "restoreCustomer", "Restore an archived customer", tag: "customers",
                parameters: [id, ifMatch, idempotencyKey], responses: ["200": ok("Customer", etag: true)],
                errorStatuses: [400, 401, 403, 404, 409, 410, 412, 422]),
        ],
        "/api/v1/customers/{id}/export": [
            "get": operation(
                "exportCustomer",
                "Everything held about a customer, as one JSON attachment (data-subject access; audit-logged)",
                tag: "customers", parameters: [id],
                responses: ["200": [
                    "description": "The export, with `Content-Disposition: attachment; filename=customer-C-000123.json`",
                    "headers": ["Content-Disposition": ["schema": ["type": "string"]]],
                    "content": json("CustomerExport"),
                ]],
                errorStatuses: [401, 404]),
        ],
        "/api/v1/customers/{id}/erase": [
            "post": operation(
                "eraseCustomer",
                "Erase a customer's personal data, keeping a tombstone and the aggregates (admin; audit-logged). "
                    + "Erasing an erased customer again is a 200 that changes nothing left to erase.",
                tag: "customers", parameters: [id, ifMatch, idempotencyKey],
                body: body("EraseInput", required: false),
                responses: ["200": ok("Customer", "The tombstone", etag: true)],
                errorStatuses: [400, 401, 403, 404, 409, 410, 412, 413, 415, 422]),
        ],
        "/api/v1/customers/{id}/events": [
            "get": operation(
                "listCustomerEvents", "A customer's change history, newest first", tag: "events",
                parameters: [id, limit, cursor,
                             query("family", "Only this family.",
                                   schema: ["type": "string",
                                            "enum": .array(EventFamily.allCases.map { .string($0.rawValue) })])],
                responses: ["200": ok("EventPage")], errorStatuses: [400, 401, 404]),
        ],
        "/api/v1/events": [
            "get": operation(
                "changeFeed", "The global change feed, oldest first", tag: "events",
                parameters: [limit, query("after", "Return events with seq greater than this.",
                                          schema: ["type": "integer", "minimum": 0,
                                                   "maximum": 9_223_372_036_854_775_807])],
                responses: ["200": ok("EventPage", "`next_cursor` is the seq to pass as `after` next time")],
                errorStatuses: [400, 401]),
        ],
        "/api/v1/customers/{id}/transactions": [
            "get": operation(
                "listCustomerTransactions", "A customer's purchases and refunds, newest first", tag: "transactions",
                parameters: [id, limit, cursor],
                responses: ["200": ok("TransactionPage")], errorStatuses: [400, 401, 404]),
        ],
        "/api/v1/customers/{id}/interactions": [
            "get": operation(
                "listCustomerInteractions", "A customer's interactions, newest first", tag: "interactions",
                parameters: [id, limit, cursor],
                responses: ["200": ok("InteractionPage")], errorStatuses: [400, 401, 404]),
        ],
        "/api/v1/customers/{id}/stage": [
            "put": operation(
                "setStageOverride", "Set a customer's lifecycle stage by hand; the rules leave it until cleared",
                tag: "lifecycle", parameters: [id], body: body("StageOverrideInput"),
                responses: ["200": ok("Customer", etag: true)],
                errorStatuses: [400, 401, 403, 404, 413, 415, 422]),
            "delete": operation(
                "clearStageOverride", "Clear a manual stage; the rules decide again", tag: "lifecycle",
                parameters: [id], responses: ["200": ok("Customer", etag: true)],
                errorStatuses: [401, 403, 404]),
        ],
        "/api/v1/transactions": [
            "post": operation(
                "createTransaction", "Record a purchase or a refund", tag: "transactions",
                parameters: [idempotencyKey], body: body("TransactionInput"),
                responses: ["201": ["description": "Created", "headers": ["Location": location],
                                    "content": json("Transaction")]],
                errorStatuses: [400, 401, 403, 409, 410, 413, 415, 422]),
        ],
        "/api/v1/transactions/{id}": [
            "get": operation("getTransaction", "A transaction", tag: "transactions", parameters: [id],
                             responses: ["200": ok("Transaction")], errorStatuses: [401, 404]),
        ],
        "/api/v1/interactions": [
            "post": operation(
                "createInteraction", "Log a call, message or visit", tag: "interactions",
                parameters: [idempotencyKey], body: body("InteractionInput"),
                responses: ["201": ["description": "Created", "content": json("Interaction")]],
                errorStatuses: [400, 401, 403, 409, 410, 413, 415, 422]),
        ],
        "/api/v1/products": [
            "get": operation(
                "listProducts", "The products sold, by SKU", tag: "products",
                parameters: [limit, cursor,
                             query("category", "Only products of this category.", schema: ["type": "string"])],
                responses: ["200": ok("ProductPage")], errorStatuses: [400, 401]),
        ],
        "/api/v1/lifecycle/recompute": [
            "post": operation(
                "recomputeLifecycle", "Fit the value model, score every customer and apply the lifecycle rules (admin)", tag: "lifecycle",
                parameters: [idempotencyKey], body: body("RecomputeInput", required: false),
                responses: ["200": ok("RecomputeReport")],
                errorStatuses: [400, 401, 403, 409, 413, 415, 422]),
        ],
        "/api/v1/lifecycle/summary": [
            "get": operation(
                "lifecycleSummary", "How many current customers are in each stage, now or at `as_of`",
                tag: "lifecycle",
                parameters: [query("as_of", "An RFC 3339 time: count the stages as they were then.",
                                   schema: ["type": "string", "format": "date-time"])],
                responses: ["200": ok("LifecycleSummary")], errorStatuses: [400, 401]),
        ],
        "/api/v1/customers/{id}/value": [
            "get": operation(
                "getCustomerValue",
                "A customer's value: RFM, ABC, tier, CLV, P(alive), expected purchases, churn risk (404 before it has "
                    + "a purchase and a recompute)",
                tag: "analytics", parameters: [id], responses: ["200": ok("CustomerValue")],
                errorStatuses: [401, 404]),
        ],
        "/api/v1/customers/{id}/recommendations": [
            "get": operation(
                "getRecommendations", "Up to 5 products the customer has not bought, from co-purchases, with reasons",
                tag: "analytics", parameters: [id], responses: ["200": ok("Recommendations")],
                errorStatuses: [401, 404]),
        ],
        "/api/v1/analytics/churn-warnings": [
            "get": operation(
                "listChurnWarnings", "Customers at risk of churning, the most value at risk first", tag: "analytics",
                parameters: [limit, cursor,
                             query("min_risk", "Only risks at least this (0 to 1, default 0.7).",
                                   schema: ["type": "number", "minimum": 0, "maximum": 1])],
                responses: ["200": ok("ChurnWarningPage")], errorStatuses: [400, 401]),
        ],
        "/api/v1/analytics/model": [
            "get": operation(
                "getValueModel", "The fitted BG/NBD and Gamma-Gamma parameters (404 before the first recompute)",
                tag: "analytics", responses: ["200": ok("ValueModel")], errorStatuses: [401, 404]),
        ],
        "/api/v1/crowds": [
            "get": operation("listCrowds", "Every crowd, built-in ones first, with member counts", tag: "crowds",
                             responses: ["200": ok("CrowdList")], errorStatuses: [401]),
            "post": operation(
                "createCrowd", "Create a crowd; its members are decided at once (not agents)", tag: "crowds",
                parameters: [idempotencyKey], body: body("CrowdInput"),
                responses: ["201": ["description": "Created", "headers": ["Location": location],
                                    "content": json("Crowd")]],
                errorStatuses: [400, 401, 403, 409, 413, 415, 422]),
        ],
        "/api/v1/crowds/preview": [
            "post": operation(
                "previewCrowd", "How many customers a rule selects, and the first of them, without saving",
                tag: "crowds", parameters: [idempotencyKey], body: body("CrowdPreviewInput"),
                responses: ["200": ok("CrowdPreview")], errorStatuses: [400, 401, 409, 410, 413, 415, 422]),
        ],
        "/api/v1/crowds/{id}": [
            "get": operation(
                "getCrowd", "A crowd with its member count and daily trend", tag: "crowds",
                parameters: [crowdID, query("days", "Days of trend, 1 to 366 (default 30).",
                                            schema: ["type": "integer", "minimum": 1, "maximum": 366])],
                responses: ["200": ok("CrowdDetail")], errorStatuses: [400, 401, 404]),
            "patch": operation(
                "updateCrowd", "Change a crowd; a new rule is decided for everyone at once (not built-in ones)",
                tag: "crowds", parameters: [crowdID],
                body: body("CrowdPatch", mediaTypes: ["application/merge-patch+json", "application/json"]),
                responses: ["200": ok("Crowd")], errorStatuses: [400, 401, 403, 404, 413, 415, 422]),
            "delete": operation(
                "deleteCrowd", "Delete a crowd; its members leave it (not built-in ones)", tag: "crowds",
                parameters: [crowdID], responses: ["204": ["description": "Deleted"]],
                errorStatuses: [401, 403, 404]),
        ],
        "/api/v1/crowds/{id}/members": [
            "get": operation(
                "listCrowdMembers", "A crowd's members, newest first, now or at `as_of`", tag: "crowds",
                parameters: [crowdID, limit, cursor,
                             query("as_of", "An RFC 3339 time: who was a member then.",
                                   schema: ["type": "string", "format": "date-time"])],
                responses: ["200": ok("CustomerPage")], errorStatuses: [400, 401, 404]),
        ],
        "/api/v1/me": [
            "get": operation("me", "The user behind the token", tag: "users",
                             responses: ["200": ok("User")], errorStatuses: [401]),
        ],
        "/api/v1/users": [
            "get": operation("listUsers", "List users (admin)", tag: "users", parameters: [limit, cursor],
                             responses: ["200": ok("UserPage")], errorStatuses: [400, 401, 403]),
            "post": operation(
                "createUser", "Create a user (admin)", tag: "users", parameters: [idempotencyKey],
                body: body("UserInput"),
                responses: ["201": ["description": "Created", "content": json("CreatedUser")]],
                errorStatuses: [400, 401, 403, 409, 413, 415, 422]),
        ],
        "/api/v1/tokens": [
            "get": operation("listTokens", "Your API tokens", tag: "tokens",
                             responses: ["200": ok("TokenPage")], errorStatuses: [401]),
            "post": operation(
                "createToken", "Create an API token; its secret is shown once", tag: "tokens",
                parameters: [idempotencyKey], body: body("TokenInput"),
                responses: ["201": ["description": "Created", "content": json("Token")]],
                errorStatuses: [400, 401, 409, 413, 415, 422]),
        ],
        "/api/v1/tokens/{id}": [
            "delete": operation("revokeToken", "Revoke an API token", tag: "tokens", parameters: [id],
                                responses: ["200": ok("Token")], errorStatuses: [401, 404]),
        ],
    ]

    static let document: JSONValue = [
        "openapi": "3.1.0",
        "info": [
            "title": "Rapport API", "version": "1",
            "description": """
                Rapport's REST API. JSON with snake_case keys; cursor pagination (`limit` ≤ 200, `{items, \
                next_cursor}`); errors are RFC 9457 problem details; `ETag`/`If-Match` on single resources; \
                `Idempotency-Key` on POST.
                """,
        ],
        "security": [["bearerAuth": []]],
        "paths": .object(corePaths.merging(dataIntegrationPaths) { first, _ in first }),
        "components": [
            "securitySchemes": ["bearerAuth": ["type": "http", "scheme": "bearer", "description": "rap_… API token"]],
            "schemas": OpenAPISchemas.all,
            "parameters": [
                "Limit": query("limit", "Page size, 1 to 200 (default 50).",
                               schema: ["type": "integer", "minimum": 1, "maximum": 200]),
                "Cursor": query("cursor", "The `next_cursor` of the previous page; anything else is a 400.",
                                schema: ["type": "string", "minLength": 1]),
                "ID": ["name": "id", "in": "path", "required": true, "schema": ["type": "string", "format": "uuid"]],
                "CrowdID": ["name": "id", "in": "path", "required": true,
                            "description": "A crowd's UUID, or a built-in crowd's key (`churned`, `tier-high`).",
                            "schema": ["type": "string", "minLength": 1, "maxLength": 64]],
                "IfMatch": ["name": "If-Match", "in": "header", "required": false,
                            "description": "The ETag you read; 412 when the resource has changed since.",
                            "schema": ["type": "string", "pattern": "^(\\*|(W/)?\"[0-9]+\")$"]],
                "IdempotencyKey": ["name": "Idempotency-Key", "in": "header", "required": false,
                                   "description": """
                                       Repeat a POST safely: the first response is replayed (as a 410 once the \
                                       customer it was about has been erased).
                                       """,
                                   "schema": ["type": "string", "minLength": 1, "maxLength": 255]],
            ],
            "headers": ["ETag": ["description": "Version of the resource, for If-Match.", "schema": ["type": "string"]]],
            "responses": [
                "Problem": ["description": "An RFC 9457 problem",
                            "content": ["application/problem+json": ["schema": OpenAPISchemas.ref("Problem")]]],
            ],
        ],
    ]
}
