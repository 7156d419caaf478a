import RapportCore

extension OpenAPISchemas {
    /// The bodies of the analytics endpoints.
    static let analytics: [String: JSONValue] = [
        "CustomerValue": [
            "type": "object",
            "required": [
                "customer_id", "rfm", "abc", "tier", "currency", "clv_minor", "expected_spend_minor", "p_alive",
                "expected_purchases", "repeat_purchase_days", "churn", "shifts", "model",
            ],
            "properties": [
                "customer_id": uuid,
                "rfm": [
                    "type": "object", "required": ["r", "f", "m", "score", "group", "group_zh"],
                    "properties": [
                        "r": score, "f": score, "m": score,
                        "score": ["type": "string", "pattern": "^[1-5]{3}$", "description": "R, F and M digits."],
                        "group": cases(RFMGroup.self),
                        "group_zh": ["type": "string", "enum": .array(RFMGroup.allCases.map { .string($0.chineseName) })],
                    ],
                ],
                "abc": cases(ABCClass.self),
                "tier": cases(ValueTier.self),
                "currency": string,
                "clv_minor": ["type": "integer", "description": "Discounted 12-month lifetime value, minor units."],
                "expected_spend_minor": ["type": "integer", "description": "Expected spend per purchase day."],
                "p_alive": probability,
                "expected_purchases": [
                    "type": "object", "required": ["d30", "d90", "d365"],
                    "description": "Purchase days expected in the next 30, 90 and 365 days.",
                    "properties": ["d30": nonNegative, "d90": nonNegative, "d365": nonNegative],
                ],
                "repeat_purchase_days": ["type": "integer", "minimum": 0],
                "churn": [
                    "type": "object", "required": ["risk", "value_at_risk_minor", "explanation"],
                    "properties": ["risk": probability, "value_at_risk_minor": ["type": "integer"], "explanation": string],
                ],
                "shifts": [
                    "type": "object", "required": ["frequency", "basket"],
                    "description": "Behaviour shifts found by the last run, if any.",
                    "properties": [
                        "frequency": ["type": ["string", "null"], "enum": ["frequency_dropped", "frequency_rose", .null]],
                        "basket": ["type": ["string", "null"], "enum": ["basket_dropped", "basket_rose", .null]],
                    ],
                ],
                "model": [
                    "type": "object", "required": ["version", "fitted_at", "as_of", "time_unit"],
                    "properties": [
                        "version": ["type": "integer"], "fitted_at": time, "as_of": time, "time_unit": timeUnit,
                    ],
                ],
            ],
        ],
        "Recommendations": [
            "type": "object", "required": ["items"],
            "properties": ["items": ["type": "array", "maxItems": 5, "items": ref("Recommendation")]],
        ],
        "Recommendation": [
            "type": "object", "required": ["sku", "name", "because_of_sku", "confidence", "lift", "reason"],
            "properties": [
                "sku": string, "name": string, "because_of_sku": string, "confidence": probability,
                "lift": nonNegative,
                "reason": ["type": "string", "description": "bought together with 绿茶礼盒 by 34% of its buyers"],
            ],
        ],
        "ChurnWarningPage": page(of: "ChurnWarning"),
        "ChurnWarning": [
            "type": "object",
            "required": [
                "customer_id", "number", "name", "stage", "risk", "value_at_risk_minor", "clv_minor", "p_alive",
                "rfm_group", "tier", "explanation",
            ],
            "properties": [
                "customer_id": uuid, "number": ["type": "integer"], "name": string, "stage": cases(LifecycleStage.self),
                "risk": probability, "value_at_risk_minor": ["type": "integer"], "clv_minor": ["type": "integer"],
                "p_alive": probability, "rfm_group": cases(RFMGroup.self), "tier": cases(ValueTier.self),
                "explanation": string,
            ],
        ],
        "ValueModel": [
            "type": "object",
            "required": [
                "version", "fitted_at", "as_of", "time_unit", "money_unit", "customers", "repeat_customers", "bgnbd",
                "gamma_gamma",
            ],
            "properties": [
                "version": ["type": "integer"], "fitted_at": time, "as_of": time, "time_unit": timeUnit,
                "money_unit": string, "customers": ["type": "integer"], "repeat_customers": ["type": "integer"],
                "bgnbd": [
                    "type": "object", "required": ["r", "alpha", "a", "b", "log_likelihood"],
                    "properties": [
                        "r": nonNegative, "alpha": nonNegative, "a": nonNegative, "b": nonNegative,
                        "log_likelihood": ["type": "number"],
                    ],
                ],
                "gamma_gamma": [
                    "type": ["object", "null"], "required": ["p", "q", "gamma", "log_likelihood"],
                    "description": "Null when too few customers bought again to fit spend.",
                    "properties": [
                        "p": nonNegative, "q": nonNegative, "gamma": nonNegative,
                        "log_likelihood": ["type": ["number", "null"]],
                    ],
                ],
            ],
        ],
        "AnalyticsReport": [
            "type": "object", "required": ["scored", "values_written", "values_removed", "events", "skipped"],
            "properties": [
                "scored": ["type": "integer", "minimum": 0, "description": "Customers with a purchase, scored."],
                "values_written": [
                    "type": "integer", "minimum": 0, "description": "Values that changed since the last run.",
                ],
                "values_removed": ["type": "integer", "minimum": 0],
                "events": [
                    "type": "integer", "minimum": 0,
                    "description": "Events of changed tiers, ABC classes and RFM groups, and of new behaviour shifts.",
                ],
                "skipped": nullable("string"),
            ],
        ],
    ]

    private static let score: JSONValue = ["type": "integer", "minimum": 1, "maximum": 5]
    private static let probability: JSONValue = ["type": "number", "minimum": 0, "maximum": 1]
    private static let nonNegative: JSONValue = ["type": "number", "minimum": 0]
    private static let timeUnit: JSONValue = ["type": "string", "enum": ["day", "week"]]
}
