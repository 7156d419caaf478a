import RapportCore
import RapportStore

extension OpenAPIDocument {
    /// The paths of data integration: the duplicate queue and merges, exports and imports.
    static let dataIntegrationPaths: [String: JSONValue] = [
        "/api/v1/duplicates": [
            "get": operation(
                "listDuplicates", "The duplicate review queue, best score first, both customers side by side "
                    + "(admins and managers)", tag: "duplicates",
                parameters: [limit, cursor, query("status", "open (default), merged or dismissed.",
                                                  schema: ["type": "string", "enum": ["open", "merged", "dismissed"]])],
                responses: ["200": ok("DuplicateCandidatePage")], errorStatuses: [400, 401, 403]),
        ],
        "/api/v1/duplicates/scan": [
            "post": operation(
                "scanDuplicates", "Compare every current customer with those sharing a phone, e-mail, name or "
                    + "address key and queue the pairs scoring at least min_score", tag: "duplicates",
                parameters: [idempotencyKey], body: body("DuplicateScanInput"),
                responses: ["200": ok("DuplicateScanReport")], errorStatuses: [400, 401, 403, 409, 413, 415, 422]),
        ],
        "/api/v1/duplicates/{id}": [
            "get": operation("getDuplicate", "One pair of the queue", tag: "duplicates", parameters: [id],
                             responses: ["200": ok("DuplicateCandidate")], errorStatuses: [401, 403, 404]),
        ],
        "/api/v1/duplicates/{id}/merge": [
            "post": operation(
                "mergeDuplicate", "Merge an open pair: the survivor takes the most recent value of each field, "
                    + "both records' contact points and tags, and the other's transactions and interactions; "
                    + "the other is archived", tag: "duplicates", parameters: [id, idempotencyKey],
                responses: ["200": ok("Merge")], errorStatuses: [400, 401, 403, 404, 409, 422]),
        ],
        "/api/v1/duplicates/{id}/dismiss": [
            "post": operation(
                "dismissDuplicate", "Take an open pair off the queue as different customers; scans leave it so",
                tag: "duplicates", parameters: [id, idempotencyKey],
                responses: ["200": ok("DuplicateCandidate")], errorStatuses: [400, 401, 403, 404, 409, 422]),
        ],
        "/api/v1/merges/{id}": [
            "get": operation("getMerge", "A merge and both customers as they are now", tag: "duplicates",
                             parameters: [id], responses: ["200": ok("Merge")], errorStatuses: [401, 403, 404]),
        ],
        "/api/v1/merges/{id}/undo": [
            "post": operation(
                "undoMerge", "Put both customers back exactly as they were before the merge; refused (409) once "
                    + "either has changed since", tag: "duplicates", parameters: [id, idempotencyKey],
                responses: ["200": ok("Merge")], errorStatuses: [400, 401, 403, 404, 409, 422]),
        ],
        "/api/v1/exports/{kind}": [
            "get": operation(
                "export", "Customers, transactions, interactions or events you may see, as CSV or JSON Lines, "
                    + "streamed; customer CSV imports back to the same customers", tag: "exports",
                parameters: [
                    ["name": "kind", "in": "path", "required": true,
                     "schema": ["type": "string", "enum": ["customers", "transactions", "interactions", "events"]]],
                    query("format", "csv (default) or jsonl.", schema: ["type": "string", "enum": ["csv", "jsonl"]]),
                    query("filter", "A crowd rule: only the current customers it selects, and their records.",
                          schema: ["type": "string", "maxLength": .number(Double(CrowdRequests.maxFilterLength))]),
                ],
                responses: ["200": ["description": "The file", "content": [
                    "text/csv": ["schema": ["type": "string"]],
                    "application/x-ndjson": ["schema": ["type": "string"]],
                ]]],
                errorStatuses: [400, 401, 404, 422]),
        ],
        "/api/v1/imports": [
            "post": operation(
                "startImport", "Upload a customer file (CSV in UTF-8 or GB18030, or JSON Lines) and import it in "
                    + "the background, or preview it with dry_run (admins, managers). The same file, mapping and "
                    + "source again resumes an interrupted import or answers the finished one (200)", tag: "imports",
                body: ["required": true, "content": ["multipart/form-data": ["schema": OpenAPISchemas.ref("ImportUpload")]]],
                responses: [
                    "202": ["description": "Started", "headers": ["Location": location], "content": json("ImportJob")],
                    "200": ["description": "Imported to the end already", "headers": ["Location": location],
                            "content": json("ImportJob")],
                ],
                errorStatuses: [400, 401, 403, 413, 415, 422]),
            "get": operation("listImports", "Imports and previews, newest first (admins, managers)", tag: "imports",
                             parameters: [limit], responses: ["200": ok("ImportJobList")],
                             errorStatuses: [400, 401, 403]),
        ],
        "/api/v1/imports/{id}": [
            "get": operation("getImport", "An import's status, progress and counts", tag: "imports",
                             parameters: [id], responses: ["200": ok("ImportJob")], errorStatuses: [401, 403, 404]),
        ],
        "/api/v1/imports/{id}/rows": [
            "get": operation(
                "listImportRows", "An import's report by line: every row of a preview; the updates (with field "
                    + "changes), rejected and flagged rows of a run", tag: "imports",
                parameters: [id, limit, cursor,
                             query("action", "Only rows with this outcome.",
                                   schema: ["type": "string", "enum": .array(ImportOutcome.Action.allCases
                                       .map { .string($0.rawValue) })])],
                responses: ["200": ok("ImportRowPage")], errorStatuses: [400, 401, 403, 404]),
        ],
    ]
}
