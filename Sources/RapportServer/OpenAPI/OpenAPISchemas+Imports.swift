import RapportCore
import RapportStore

extension OpenAPISchemas {
    /// The bodies of the import endpoints.
    static let imports: [String: JSONValue] = [
        "ImportUpload": [
            "type": "object", "required": ["file"],
            "properties": [
                "file": ["type": "string", "contentMediaType": "application/octet-stream",
                         "description": "The file; its name's .jsonl or .ndjson means JSON Lines."],
                "kind": ["type": "string", "enum": ["customers"]],
                "source": ["type": "string", "maxLength": 100,
                           "description": "The source system: the key of its external IDs (default import)."],
                "map": ["type": "string", "description": "Column overrides: 手机号=phone,客户编号=external_id."],
                "dry_run": ["type": "string", "enum": ["true", "false"],
                            "description": "Preview: decide every row, write nothing."],
                "format": ["type": "string", "enum": ["csv", "jsonl"]],
            ],
        ],
        "ImportJob": [
            "type": "object",
            "required": ["id", "kind", "source", "file_name", "status", "dry_run", "total_rows", "done_rows", "counts",
                         "started_at", "finished_at", "error"],
            "properties": [
                "id": uuid, "kind": ["type": "string"], "source": ["type": "string"], "file_name": ["type": "string"],
                "status": ["type": "string", "enum": .array(ImportJob.Status.allCases.map { .string($0.rawValue) })],
                "dry_run": ["type": "boolean"],
                "total_rows": ["type": ["integer", "null"], "description": "Estimated from the file's lines."],
                "done_rows": ["type": "integer"],
                "counts": [
                    "type": "object",
                    "properties": .object(Dictionary(uniqueKeysWithValues: ImportOutcome.Action.allCases.map {
                        ($0.rawValue, ["type": "integer"] as JSONValue)
                    })),
                ],
                "started_at": ["type": "string", "format": "date-time"],
                "finished_at": nullable("string", format: "date-time"),
                "error": nullable("string"),
            ],
        ],
        "ImportJobList": ["type": "object", "required": ["items"],
                          "properties": ["items": ["type": "array", "items": ref("ImportJob")]]],
        "ImportRow": [
            "type": "object", "required": ["line", "action", "number", "raw"],
            "properties": [
                "line": ["type": "integer"],
                "action": ["type": "string", "enum": .array(ImportOutcome.Action.allCases.map { .string($0.rawValue) })],
                "number": nullable("string"),
                "changes": ["type": "array", "description": "An update's changes: {field, old, new}.",
                            "items": ["type": "object"]],
                "reasons": ["type": "array", "items": ["type": "string"],
                            "description": "Why a row was rejected or flagged."],
                "raw": ["type": "string", "description": "The row as the file had it."],
            ],
        ],
        "ImportRowPage": [
            "type": "object", "required": ["items", "next_cursor"],
            "properties": ["items": ["type": "array", "items": ref("ImportRow")], "next_cursor": nullable("string")],
        ],
    ]
}
