import RapportCore

/// The `components` of the OpenAPI document: every body the API reads or writes.
enum OpenAPISchemas {
    static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }
    static func nullable(_ type: String, format: String? = nil, maxLength: Int? = nil) -> JSONValue {
        var schema: [String: JSONValue] = ["type": [.string(type), "null"]]
        if let format { schema["format"] = .string(format) }
        if let maxLength { schema["maxLength"] = .number(Double(maxLength)) }
        return .object(schema)
    }
    /// The raw values of an enumeration, as a string schema.
    static func cases<E: RawRepresentable & CaseIterable>(_ type: E.Type) -> JSONValue where E.RawValue == String {
        ["type": "string", "enum": .array(E.allCases.map { .string($0.rawValue) })]
    }
    /// The largest whole number a document may hold (2^53): beyond it, numbers lose precision.
    static let maxWhole: JSONValue = .number(9_007_199_254_740_992)
    /// A whole number of at least `minimum`, such as money in minor units (fen for CNY).
    static func whole(minimum: Int, maximum: JSONValue = maxWhole, nullable: Bool = false) -> JSONValue {
        ["type": nullable ? ["integer", "null"] : "integer", "minimum": .number(Double(minimum)), "maximum": maximum]
    }
    static let string: JSONValue = ["type": "string"]
    /// Text that must hold a non-space character: surrounding spaces are trimmed, and nothing left is as good as
    /// absent.
    static func text(maxLength: Int) -> JSONValue {
        ["type": "string", "pattern": "\\S", "maxLength": .number(Double(maxLength))]
    }
    static let time: JSONValue = ["type": "string", "format": "date-time"]
    static let uuid: JSONValue = ["type": "string", "format": "uuid"]
    static func page(of item: String) -> JSONValue {
        [
            "type": "object", "required": ["items", "next_cursor"],
            "properties": ["items": ["type": "array", "items": ref(item)], "next_cursor": nullable("string")],
        ]
    }

    /// The writable customer fields; `required` lists what a create must send.
    static func customerFields(required: [JSONValue]) -> JSONValue {
        [
            "type": "object", "additionalProperties": false, "required": .array(required),
            "properties": [
                "kind": ["type": "string", "enum": ["person", "organization"], "default": "person"],
                "name": text(maxLength: 200),
                "emails": ["type": ["array", "null"], "items": ref("EmailEntry"), "maxItems": 50],
                "phones": ["type": ["array", "null"], "items": ref("PhoneEntry"), "maxItems": 50],
                "social": ["type": ["array", "null"], "items": ref("SocialHandle"), "maxItems": 50],
                "addresses": ["type": ["array", "null"], "items": ref("PostalAddress"), "maxItems": 50],
                "tags": ["type": ["array", "null"], "items": ["type": "string", "maxLength": 64], "maxItems": 50],
                "attributes": [
                    "type": ["object", "null"],
                    "additionalProperties": ["type": ["string", "number", "boolean", "null"]],
                ],
                "owner_id": nullable("string", format: "uuid"),
                "team": nullable("string"),
                "source": nullable("string"),
                "birthday": nullable("string", format: "date"),
                "consent": ["oneOf": [ref("Consent"), ["type": "null"]]],
                "external_ids": ["type": ["object", "null"], "additionalProperties": ["type": "string"]],
            ],
        ]
    }

    /// A JSON Merge Patch (RFC 7396) of the writable fields: any of them, null to clear, nothing else.
    static let customerPatch: JSONValue = {
        guard case .object(var schema) = customerFields(required: []) else { return .null }
        schema["description"] = "A JSON Merge Patch (RFC 7396) of CustomerInput: members set to null are cleared."
        return .object(schema)
    }()

    static let customer: JSONValue = {
        guard case .object(var schema) = customerFields(required: []),
            case .object(var properties)? = schema["properties"]
        else { return .null }
        properties["id"] = uuid
        properties["number"] = ["type": "string", "pattern": "^C-[0-9]{6,}$", "examples": ["C-000123"]]
        properties["created_at"] = time
        properties["updated_at"] = time
        properties["archived_at"] = nullable("string", format: "date-time")
        properties["as_of"] = ["type": "string", "format": "date-time", "description": "Only on `as_of` views."]
        for (key, value) in customerStats { properties[key] = value }
        schema["properties"] = .object(properties)
        schema["required"] = .array((CustomerFields.keys + ["id", "number", "created_at", "updated_at", "archived_at"]
                                     + customerStats.keys.sorted()).map { .string($0) })
        return .object(schema)
    }()

    /// The members Rapport derives about a customer (`CustomerStats.json`): read-only, every key always present.
    static let customerStats: [String: JSONValue] = {
        let members: [String: JSONValue] = [
            "first_purchase_at": nullable("string", format: "date-time"),
            "last_purchase_at": nullable("string", format: "date-time"),
            "orders_count": ["type": "integer", "minimum": 0, "description": "Purchases not wholly refunded."],
            "total_spent_minor": ["type": "integer", "description": "Purchases minus refunds, in minor units."],
            "avg_order_minor": [
                "type": ["integer", "null"],
                "description": "total_spent_minor / orders_count, rounded; null without orders.",
            ],
            "last_interaction_at": nullable("string", format: "date-time"),
            "interactions_90d": [
                "type": "object", "additionalProperties": false,
                "description": "Interactions per channel in the last 90 days; every channel present.",
                "required": .array(InteractionChannel.allCases.map { .string($0.rawValue) }),
                "properties": .object(Dictionary(uniqueKeysWithValues: InteractionChannel.allCases.map {
                    ($0.rawValue, ["type": "integer", "minimum": 0] as JSONValue)
                })),
            ],
            "stage": cases(LifecycleStage.self),
            "stage_since": time,
            "stage_rule": ["type": "string", "description": "The rule that decided the stage; `manual_override` when set by hand.",
                           "examples": ["no_purchase", "manual_override"]],
            "stage_reason": string,
            "stage_overridden": ["type": "boolean", "description": "Set by hand: the rules leave it until cleared."],
        ]
        return members.mapValues { value in
            guard case .object(var schema) = value else { return value }
            schema["readOnly"] = true
            return .object(schema)
        }
    }()

    static let transactionLineInput: JSONValue = [
        "type": "object", "additionalProperties": false, "required": ["sku", "name", "quantity", "unit_price_minor"],
        "properties": [
            "sku": text(maxLength: 64), "name": text(maxLength: 200), "category": nullable("string", maxLength: 64),
            "quantity": whole(minimum: 1),
            "unit_price_minor": whole(minimum: 0),
        ],
    ]

    static let transactionInput: JSONValue = [
        "type": "object", "additionalProperties": false,
        "required": ["customer_id", "kind", "occurred_at", "currency", "amount_minor"],
        "properties": [
            "customer_id": uuid,
            "external_id": [
                "type": ["string", "null"], "maxLength": 128,
                "description": "The ID in the source system; a second transaction with the same one is a 409.",
            ],
            "kind": cases(TransactionKind.self),
            "occurred_at": time,
            "currency": [
                "type": "string", "pattern": "\\S", "maxLength": 8, "examples": ["CNY"],
                "description": "ISO 4217 code; must be the deployment's base currency (convert before sending).",
            ],
            "lines": ["type": ["array", "null"], "items": ref("TransactionLineInput"), "maxItems": 500],
            "amount_minor": [
                "type": "integer", "minimum": 1, "maximum": maxWhole,
                "description": "The total in minor units, positive for refunds too; equals the lines' sum when there are lines.",
            ],
            "channel": nullable("string", maxLength: 32),
            "refund_of": [
                "type": ["string", "null"], "format": "uuid",
                "description": "For refunds only: the purchase this refunds.",
            ],
        ],
    ]

    static let transaction: JSONValue = [
        "type": "object",
        "required": ["id", "customer_id", "external_id", "kind", "occurred_at", "recorded_at", "currency", "lines",
                     "amount_minor", "refunded_minor", "channel", "refund_of"],
        "properties": [
            "id": uuid, "customer_id": uuid, "external_id": nullable("string"), "kind": cases(TransactionKind.self),
            "occurred_at": time, "recorded_at": time, "currency": string,
            "lines": ["type": "array", "items": ref("TransactionLine")],
            "amount_minor": ["type": "integer", "minimum": 1],
            "refunded_minor": [
                "type": "integer", "minimum": 0, "description": "For purchases: how much later refunds took back.",
            ],
            "channel": nullable("string"), "refund_of": nullable("string", format: "uuid"),
        ],
    ]

    static let transactionLine: JSONValue = [
        "type": "object", "required": ["sku", "name", "category", "quantity", "unit_price_minor"],
        "properties": [
            "sku": string, "name": string, "category": nullable("string"),
            "quantity": ["type": "integer", "minimum": 1], "unit_price_minor": ["type": "integer", "minimum": 0],
        ],
    ]

    static let interactionInput: JSONValue = [
        "type": "object", "additionalProperties": false,
        "required": ["customer_id", "channel", "direction", "occurred_at", "subject"],
        "properties": [
            "customer_id": uuid,
            "channel": cases(InteractionChannel.self),
            "direction": cases(InteractionDirection.self),
            "occurred_at": time,
            "subject": text(maxLength: 200),
            "notes": nullable("string", maxLength: 10_000),
            "outcome": nullable("string", maxLength: 200),
            "duration_seconds": whole(minimum: 0, nullable: true),
            "quality": [
                "type": ["integer", "null"], "minimum": 1, "maximum": 5, "description": "1 (poor) to 5 (excellent).",
            ],
            "user_id": [
                "type": ["string", "null"], "format": "uuid",
                "description": "Who handled it; the caller when absent.",
            ],
        ],
    ]

    static let interaction: JSONValue = [
        "type": "object",
        "required": ["id", "customer_id", "channel", "direction", "occurred_at", "recorded_at", "subject", "notes",
                     "outcome", "duration_seconds", "quality", "user_id"],
        "properties": [
            "id": uuid, "customer_id": uuid,
            "channel": cases(InteractionChannel.self), "direction": cases(InteractionDirection.self),
            "occurred_at": time, "recorded_at": time, "subject": string,
            "notes": nullable("string"), "outcome": nullable("string"),
            "duration_seconds": ["type": ["integer", "null"], "minimum": 0],
            "quality": ["type": ["integer", "null"], "minimum": 1, "maximum": 5],
            "user_id": nullable("string", format: "uuid"),
        ],
    ]

    /// Every schema: the core bodies here, the lifecycle, analytics, crowd, duplicate, data-subject and import ones
    /// beside.
    static let all: JSONValue = .object(
        [base, lifecycle, analytics, crowds, duplicates, dataSubject, imports].reduce(into: [:]) { all, part in
            all.merge(part) { first, _ in first }
        })

    private static let base: [String: JSONValue] = [
        "CustomerInput": customerFields(required: ["name"]),
        "CustomerPatch": customerPatch,
        "Customer": customer,
        "CustomerPage": page(of: "Customer"),
        "EmailEntry": [
            "type": "object", "additionalProperties": false, "required": ["address"],
            "properties": ["address": ["type": "string", "format": "email"], "label": nullable("string"),
                           "primary": ["type": "boolean"]],
        ],
        "PhoneEntry": [
            "type": "object", "additionalProperties": false, "required": ["number"],
            "properties": [
                "number": ["type": "string", "description": "Any common notation in; E.164 out (+8613800138000)."],
                "label": nullable("string"), "primary": ["type": "boolean"],
            ],
        ],
        "SocialHandle": [
            "type": "object", "additionalProperties": false, "required": ["network", "handle"],
            "properties": [
                "network": ["type": "string", "pattern": "\\S", "maxLength": 32, "examples": ["wechat", "weibo"]],
                "handle": text(maxLength: 128),
            ],
        ],
        "PostalAddress": [
            "type": "object", "additionalProperties": false,
            "properties": [
                "label": nullable("string"), "country": nullable("string"), "province": nullable("string"),
                "city": nullable("string"), "district": nullable("string"), "street": nullable("string"),
                "postal_code": nullable("string"),
            ],
        ],
        "Consent": [
            "type": "object", "additionalProperties": false,
            "description": "Marketing consent per channel: true opted in, false opted out, absent never asked.",
            "properties": ["email": nullable("boolean"), "sms": nullable("boolean"), "phone": nullable("boolean"),
                           "wechat": nullable("boolean")],
        ],
        "Event": [
            "type": "object",
            "required": ["seq", "customer_id", "family", "kind", "field", "old_value", "new_value", "actor", "source",
                         "occurred_at", "recorded_at"],
            "properties": [
                "seq": ["type": "integer", "description": "Global position in the change feed."],
                "customer_id": uuid,
                "family": ["type": "string", "enum": .array(EventFamily.allCases.map { .string($0.rawValue) })],
                "kind": [
                    "type": "string",
                    "description": """
                        What happened, within the family; an open set. info: created, field_changed, archived, \
                        restored, erased. status: stage_changed, stage_overridden, stage_override_cleared. transaction: \
                        purchase, refund. relationship: interaction.
                        """,
                    "examples": ["created", "field_changed", "archived", "restored", "erased", "stage_changed",
                                 "stage_overridden", "stage_override_cleared", "purchase", "refund", "interaction"],
                ],
                "field": nullable("string"),
                "old_value": ["description": "Any JSON value; null for none."],
                "new_value": [
                    "description": """
                        Any JSON value; the whole document for `created`, the transaction for `purchase` and \
                        `refund`, the interaction for `interaction`.
                        """,
                ],
                "actor": [
                    "type": "object", "required": ["type", "id"],
                    "properties": ["type": ["type": "string", "enum": ["user", "token", "system", "import"]],
                                   "id": nullable("string", format: "uuid")],
                ],
                "source": ["type": "string", "enum": .array(EventSource.allCases.map { .string($0.rawValue) })],
                "occurred_at": time,
                "recorded_at": time,
            ],
        ],
        "EventPage": page(of: "Event"),
        "User": [
            "type": "object", "required": ["id", "email", "display_name", "role", "team", "created_at", "disabled_at"],
            "properties": [
                "id": uuid, "email": ["type": "string", "format": "email"], "display_name": string,
                "role": ["type": "string", "enum": .array(Role.allCases.map { .string($0.rawValue) })],
                "team": nullable("string"), "created_at": time, "disabled_at": nullable("string", format: "date-time"),
            ],
        ],
        "UserPage": page(of: "User"),
        "UserInput": [
            "type": "object", "additionalProperties": false, "required": ["email", "display_name", "role"],
            "properties": [
                "email": ["type": "string", "format": "email"], "display_name": string,
                "role": ["type": "string", "enum": .array(Role.allCases.map { .string($0.rawValue) })],
                "team": nullable("string"), "password": ["type": "string", "minLength": 12],
            ],
        ],
        "CreatedUser": [
            "type": "object", "required": ["user", "password"],
            "properties": ["user": ref("User"),
                           "password": ["type": ["string", "null"], "description": "Only when generated; shown once."]],
        ],
        "Token": [
            "type": "object", "required": ["id", "name", "user_id", "created_at", "last_used_at", "revoked_at"],
            "properties": [
                "id": uuid, "name": string, "user_id": uuid, "created_at": time,
                "last_used_at": nullable("string", format: "date-time"),
                "revoked_at": nullable("string", format: "date-time"),
                "secret": ["type": "string", "description": "Only in the response that creates the token."],
            ],
        ],
        "TokenPage": page(of: "Token"),
        "TokenInput": [
            "type": "object", "additionalProperties": false, "required": ["name"],
            "properties": ["name": text(maxLength: 100)],
        ],
        "TransactionInput": transactionInput,
        "TransactionLineInput": transactionLineInput,
        "Transaction": transaction,
        "TransactionLine": transactionLine,
        "TransactionPage": page(of: "Transaction"),
        "InteractionInput": interactionInput,
        "Interaction": interaction,
        "InteractionPage": page(of: "Interaction"),
        "Product": [
            "type": "object", "required": ["sku", "name", "category", "first_sold_at", "last_sold_at"],
            "properties": ["sku": string, "name": string, "category": nullable("string"),
                           "first_sold_at": time, "last_sold_at": time],
        ],
        "ProductPage": page(of: "Product"),
        "Problem": [
            "type": "object", "required": ["type", "title", "status"],
            "properties": [
                "type": string, "title": string, "status": ["type": "integer"], "detail": string,
                "errors": ["type": "array", "items": ref("FieldError")],
            ],
        ],
        "FieldError": [
            "type": "object", "required": ["field", "code", "message"],
            "properties": ["field": string, "code": string, "message": string],
        ],
        "Health": ["type": "object", "required": ["status"], "properties": ["status": ["const": "ok"]]],
    ]
}
