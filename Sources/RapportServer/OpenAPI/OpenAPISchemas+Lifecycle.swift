import RapportCore

extension OpenAPISchemas {
    /// The bodies of the lifecycle endpoints: manual stages, the recompute and the stage summary.
    static let lifecycle: [String: JSONValue] = [
        "StageOverrideInput": [
            "type": "object", "additionalProperties": false, "required": ["stage", "reason"],
            "properties": ["stage": cases(LifecycleStage.self), "reason": text(maxLength: 500)],
        ],
        "RecomputeInput": [
            "type": "object", "additionalProperties": false,
            "properties": [
                "as_of": [
                    "type": ["string", "null"], "format": "date-time",
                    "description": "The instant to apply the rules at; now when absent or null.",
                ],
            ],
        ],
        "RecomputeReport": [
            "type": "object",
            "required": [
                "as_of", "examined", "stage_changed", "interactions_changed", "events", "analytics", "crowds",
                "duration_ms",
            ],
            "properties": [
                "as_of": time,
                "examined": ["type": "integer", "minimum": 0, "description": "Customers looked at."],
                "stage_changed": ["type": "integer", "minimum": 0, "description": "Customers whose stage changed."],
                "interactions_changed": [
                    "type": "integer", "minimum": 0,
                    "description": "Customers whose 90-day interaction counts changed.",
                ],
                "events": ["type": "integer", "minimum": 0, "description": "`status` events written."],
                "analytics": ref("AnalyticsReport"),
                "crowds": [
                    "type": "object", "required": ["refreshed", "entered", "left"],
                    "description": "Every crowd's membership decided again after the rules: entries and exits.",
                    "properties": [
                        "refreshed": ["type": "integer", "minimum": 0, "description": "Crowds decided."],
                        "entered": ["type": "integer", "minimum": 0],
                        "left": ["type": "integer", "minimum": 0],
                    ],
                ],
                "duration_ms": ["type": "integer", "minimum": 0],
            ],
        ],
        "LifecycleSummary": [
            "type": "object", "required": ["as_of", "stages", "total"],
            "properties": [
                "as_of": nullable("string", format: "date-time"),
                "stages": [
                    "type": "object", "additionalProperties": false,
                    "description": "Current (not archived) customers per stage; every stage present.",
                    "required": .array(LifecycleStage.allCases.map { .string($0.rawValue) }),
                    "properties": .object(Dictionary(uniqueKeysWithValues: LifecycleStage.allCases.map {
                        ($0.rawValue, ["type": "integer", "minimum": 0] as JSONValue)
                    })),
                ],
                "total": ["type": "integer", "minimum": 0],
            ],
        ],
    ]
}
