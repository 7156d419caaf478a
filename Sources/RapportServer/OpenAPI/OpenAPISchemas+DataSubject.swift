import RapportCore

extension OpenAPISchemas {
    /// The bodies of the data-subject endpoints: the export document and the (empty) erase request.
    static let dataSubject: [String: JSONValue] = [
        "CustomerExport": [
            "type": "object",
            "required": ["exported_at", "customer", "events", "transactions", "interactions", "crowd_memberships",
                         "crowd_exits", "value", "external_ids"],
            "properties": [
                "exported_at": time,
                "customer": ref("Customer"),
                "events": ["type": "array", "items": ref("Event"), "description": "The whole history, oldest first."],
                "transactions": ["type": "array", "items": ref("Transaction"), "description": "Oldest first."],
                "interactions": ["type": "array", "items": ref("Interaction"), "description": "Oldest first."],
                "crowd_memberships": [
                    "type": "array", "items": ref("CrowdMembership"), "description": "The crowds it is in now.",
                ],
                "crowd_exits": [
                    "type": "array", "items": ref("CrowdMembership"),
                    "description": "Memberships that ended, with `until`, oldest first.",
                ],
                "value": [
                    "oneOf": [ref("CustomerValue"), ["type": "null"]],
                    "description": "Its value and scores; null before a purchase and a recompute.",
                ],
                "external_ids": [
                    "type": "array",
                    "items": [
                        "type": "object", "required": ["source", "id"],
                        "properties": ["source": string, "id": string],
                    ],
                ],
            ],
        ],
        "CrowdMembership": [
            "type": "object", "required": ["id", "key", "name", "since"],
            "properties": [
                "id": uuid, "key": nullable("string"), "name": string, "since": time,
                "until": ["type": "string", "format": "date-time", "description": "Only for a membership that ended."],
            ],
        ],
        "EraseInput": [
            "type": "object", "additionalProperties": false, "maxProperties": 0,
            "description": "An erasure takes no options; the body may be omitted or `{}`.",
        ],
    ]
}
