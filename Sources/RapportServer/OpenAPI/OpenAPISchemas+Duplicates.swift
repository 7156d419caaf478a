import RapportCore

extension OpenAPISchemas {
    /// The bodies of the duplicate review and merge endpoints.
    static let duplicates: [String: JSONValue] = [
        "DuplicateScanInput": [
            "type": "object", "additionalProperties": false,
            "properties": ["min_score": [
                "type": "number", "minimum": 0.5, "maximum": 1,
                "description": .string("Queue pairs scoring at least this (default \(DuplicateScorer.defaultThreshold))."),
            ]],
        ],
        "DuplicateScanReport": [
            "type": "object", "required": ["customers", "compared", "found", "added", "removed", "merged"],
            "properties": [
                "customers": ["type": "integer", "description": "Current customers scanned."],
                "compared": ["type": "integer", "description": "Pairs sharing a blocking key, each scored."],
                "found": ["type": "integer", "description": "Pairs at or above the minimum score."],
                "added": ["type": "integer", "description": "Pairs new to the queue."],
                "removed": ["type": "integer", "description": "Open pairs no longer found, taken off the queue."],
                "merged": ["type": "integer", "description": "Pairs merged at once (the dedupe-auto-merge setting)."],
            ],
        ],
        "DuplicateCandidate": [
            "type": "object",
            "required": ["id", "score", "reasons", "status", "found_at", "decided_at", "merge_id", "customers"],
            "properties": [
                "id": uuid,
                "score": ["type": "number", "minimum": 0, "maximum": 1],
                "reasons": ["type": "array", "items": ["type": "string"],
                            "description": "The evidence, strongest first: `same phone +8613800138000`, …"],
                "status": ["type": "string", "enum": ["open", "merged", "dismissed"]],
                "found_at": ["type": "string", "format": "date-time"],
                "decided_at": nullable("string", format: "date-time"),
                "merge_id": nullable("string", format: "uuid"),
                "customers": ["type": "array", "items": ref("Customer"), "minItems": 2, "maxItems": 2,
                              "description": "Both customers as they are now, the lower number first."],
            ],
        ],
        "DuplicateCandidatePage": [
            "type": "object", "required": ["items", "next_cursor"],
            "properties": ["items": ["type": "array", "items": ref("DuplicateCandidate")],
                           "next_cursor": nullable("string")],
        ],
        "Merge": [
            "type": "object", "required": ["id", "candidate_id", "status", "merged_at", "undone_at", "survivor", "merged"],
            "properties": [
                "id": uuid,
                "candidate_id": nullable("string", format: "uuid"),
                "status": ["type": "string", "enum": ["done", "undone"]],
                "merged_at": ["type": "string", "format": "date-time"],
                "undone_at": nullable("string", format: "date-time"),
                "survivor": ref("Customer"),
                "merged": ref("Customer"),
            ],
        ],
    ]
}
