import RapportCore

/// The `components` of the OpenAPI document: every body the API reads or writes.
enum OpenAPISchemas {
    static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }
    static func nullable(_ type: String, format: String? = nil) -> JSONValue {
        var schema: [String: JSONValue] = ["type": [.string(type), "null"]]
        if let format { schema["format"] = .string(format) }
        return .object(schema)
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
        schema["properties"] = .object(properties)
        schema["required"] = .array((CustomerFields.keys + ["id", "number", "created_at", "updated_at", "archived_at"])
            .map { .string($0) })
        return .object(schema)
    }()

    static let all: JSONValue = [
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
                "kind": ["type": "string", "examples": ["created", "field_changed", "archived", "restored"]],
                "field": nullable("string"),
                "old_value": ["description": "Any JSON value; null for none."],
                "new_value": ["description": "Any JSON value; the whole document for `created`."],
                "actor": [
                    "type": "object", "required": ["type", "id"],
                    "properties": ["type": ["type": "string", "enum": ["user", "token", "system"]],
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
