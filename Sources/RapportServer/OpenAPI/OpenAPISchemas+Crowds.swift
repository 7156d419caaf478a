import RapportCore

extension OpenAPISchemas {
    /// The bodies of the crowd endpoints and the rule language's JSON form.
    static let crowds: [String: JSONValue] = [
        "CrowdRuleInput": [
            "description": """
                A crowd rule: text in the rule language (`stage in [active, silent] and last_purchase_at < -90d and \
                tag = "vip"`) or its JSON form.
                """,
            "oneOf": [["type": "string", "minLength": 1, "maxLength": .number(Double(CrowdRequests.maxTextLength))],
                      ref("CrowdRuleTree")],
        ],
        "CrowdRuleTree": [
            "description": "The JSON form of a rule: {and: [...]}, {or: [...]}, {not: rule} or {field, op, value}.",
            "oneOf": [
                ["type": "object", "additionalProperties": false, "required": ["and"],
                 "properties": ["and": ["type": "array", "minItems": 1, "items": ref("CrowdRuleTree")]]],
                ["type": "object", "additionalProperties": false, "required": ["or"],
                 "properties": ["or": ["type": "array", "minItems": 1, "items": ref("CrowdRuleTree")]]],
                ["type": "object", "additionalProperties": false, "required": ["not"],
                 "properties": ["not": ref("CrowdRuleTree")]],
                [
                    "type": "object", "additionalProperties": false, "required": ["field", "op"],
                    "properties": [
                        "field": [
                            "type": "string",
                            "description": .string("One of: " + CrowdFields.spelled.joined(separator: ", ")),
                        ],
                        "op": ["type": "string", "enum": .array((CrowdComparison.allCases.map(\.rawValue)
                            + ["in", "not in", "contains", "exists", "between"]).map(JSONValue.string))],
                        "value": [
                            "description": """
                                A string, number or boolean; a list for in, not in and between; dates as 2026-01-31 \
                                or -90d, -6m, -1y.
                                """,
                        ],
                    ],
                ],
            ],
        ],
        "CrowdInput": [
            "type": "object", "additionalProperties": false, "required": ["name", "rule"],
            "properties": ["name": text(maxLength: 200), "description": nullable("string", maxLength: 2000),
                           "rule": ref("CrowdRuleInput")],
        ],
        "CrowdPatch": [
            "type": "object", "additionalProperties": false,
            "properties": ["name": text(maxLength: 200), "description": nullable("string", maxLength: 2000),
                           "rule": ref("CrowdRuleInput")],
        ],
        "CrowdPreviewInput": [
            "type": "object", "additionalProperties": false, "required": ["rule"],
            "properties": ["rule": ref("CrowdRuleInput"),
                           "limit": ["type": "integer", "minimum": 0, "maximum": 50,
                                     "description": "How many members to show (default 10)."]],
        ],
        "Crowd": crowd(detail: false),
        "CrowdDetail": crowd(detail: true),
        "CrowdList": ["type": "object", "required": ["items"],
                      "properties": ["items": ["type": "array", "items": ref("Crowd")]]],
        "CrowdPreview": [
            "type": "object", "required": ["count", "rule", "members"],
            "properties": [
                "count": ["type": "integer", "minimum": 0, "description": "Customers you may see that the rule selects."],
                "rule": ["type": "string", "description": "The rule as the rule language writes it."],
                "members": ["type": "array", "items": ref("Customer"), "description": "The first, newest first."],
            ],
        ],
    ]

    private static func crowd(detail: Bool) -> JSONValue {
        var properties: [String: JSONValue] = [
            "id": uuid,
            "key": nullable("string"),
            "name": ["type": "string"],
            "description": ["type": "string"],
            "rule": ["type": "string", "description": "In the rule language."],
            "rule_json": ref("CrowdRuleTree"),
            "built_in": ["type": "boolean", "description": "Defined by Rapport; cannot be changed or deleted."],
            "member_count": ["type": "integer", "minimum": 0, "description": "Members you may see."],
            "created_at": time,
            "updated_at": time,
        ]
        var required: [JSONValue] = ["id", "key", "name", "description", "rule", "rule_json", "built_in",
                                     "member_count", "created_at", "updated_at"]
        if detail {
            properties["trend"] = [
                "type": "array", "description": "Members you may see at the end of each day (UTC), oldest first.",
                "items": ["type": "object", "required": ["date", "members"],
                          "properties": ["date": ["type": "string", "format": "date"],
                                         "members": ["type": "integer", "minimum": 0]]],
            ]
            required.append("trend")
        }
        return ["type": "object", "required": .array(required), "properties": .object(properties)]
    }
}
