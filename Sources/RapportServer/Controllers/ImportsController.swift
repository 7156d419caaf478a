import Foundation
import RapportCore
import RapportStore
import Vapor

/// `/api/v1/imports`: customer files uploaded (multipart, streamed to disk) and imported in the background as jobs,
/// with progress and the same report as `rapport import`. For admins and managers.
struct ImportsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let imports = routes.grouped("imports")
        imports.on(.POST, body: .stream, use: create)
        imports.get(use: list)
        imports.get(APIPath.id, use: show)
        imports.get(APIPath.id, "rows", use: rows)
    }

    @Sendable func create(request: Request) async throws -> Response {
        let principal = try Self.requireImporter(request)
        let upload = try await ImportUpload.receive(request, into: ImportJobs.folder)
        do {
            return try await Self.start(upload, principal: principal, request: request)
        } catch {
            try? FileManager.default.removeItem(atPath: upload.path)
            throw error
        }
    }

    /// Checks the upload's options and file, records the job and starts it; the answer is the job, `202`.
    private static func start(_ upload: ImportUpload, principal: Principal, request: Request) async throws -> Response {
        var errors: [FieldError] = []
        let known = ["kind", "source", "map", "dry_run", "format"]
        for name in upload.fields.keys.sorted() where !known.contains(name) {
            errors.append(FieldError(field: name, code: "unknown_field",
                                     message: "unknown field; expected file, " + known.joined(separator: ", ")))
        }
        let kind = upload.fields["kind"] ?? "customers"
        if kind != "customers" {
            errors.append(FieldError(field: "kind", code: "invalid", message: "expected customers"))
        }
        let source = TextNormalization.clean(upload.fields["source"] ?? "import")
        if source.isEmpty || source.count > 100 {
            errors.append(FieldError(field: "source", code: "invalid", message: "expected a name of 1 to 100 characters"))
        }
        let dryRun: Bool
        switch upload.fields["dry_run"]?.lowercased() {
        case nil, "false", "0", "": dryRun = false
        case "true", "1": dryRun = true
        default:
            dryRun = false
            errors.append(FieldError(field: "dry_run", code: "invalid", message: "expected true or false"))
        }
        var jsonLines = [".jsonl", ".ndjson"].contains { upload.fileName.lowercased().hasSuffix($0) }
        switch upload.fields["format"] {
        case nil: break
        case "csv": jsonLines = false
        case "jsonl": jsonLines = true
        default: errors.append(FieldError(field: "format", code: "invalid", message: "expected csv or jsonl"))
        }
        if !errors.isEmpty { throw ValidationError(errors) }
        let overrides = try upload.fields["map"].flatMap { $0.isEmpty ? nil : $0 }
            .map { map throws(ValidationError) in try CustomerImportMapping.overrides(map) } ?? [:]
        let (job, started) = try await ImportJobs.start(
            path: upload.path, fileName: upload.fileName, source: source, jsonLines: jsonLines, overrides: overrides,
            dryRun: dryRun, keepFile: false, principal: principal, request: request)
        return try await response(job, status: started ? .accepted : .ok)
    }

    @Sendable func list(request: Request) async throws -> Response {
        try Self.requireImporter(request)
        let jobs = try await ImportJobRepository(try request.store).list(limit: try request.pageLimit())
        return try APIJSON.response(JSONValue.object(["items": .array(jobs.map(Self.json))]))
    }

    @Sendable func show(request: Request) async throws -> Response {
        try Self.requireImporter(request)
        let job = try await ImportJobRepository(try request.store).find(try request.uuidParameter("id"))
        return try await Self.response(job, status: .ok)
    }

    @Sendable func rows(request: Request) async throws -> Response {
        try Self.requireImporter(request)
        let id = try request.uuidParameter("id")
        var action: ImportOutcome.Action?
        if let text = request.query[String.self, at: "action"] {
            guard let value = ImportOutcome.Action(rawValue: text) else {
                throw Problem.badParameter("action", "expected one of: "
                    + ImportOutcome.Action.allCases.map(\.rawValue).joined(separator: ", "))
            }
            action = value
        }
        var afterLine: Int?
        if let cursor = request.query[String.self, at: "cursor"] {
            guard let values = PageCursor.decode(cursor, count: 1) else {
                throw Problem.badParameter("cursor", "not a cursor this list gave out")
            }
            afterLine = Int(values[0])
        }
        let limit = try request.pageLimit()
        let repository = ImportJobRepository(try request.store)
        _ = try await repository.find(id)
        let rows = try await repository.rows(of: id, action: action, afterLine: afterLine, limit: limit)
        let items: [JSONValue] = rows.map { row in
            [
                "line": .number(Double(row.line)), "action": .string(row.action.rawValue),
                "number": row.number.map { .string($0.description) } ?? .null,
                (row.action == .updated ? "changes" : "reasons"): row.detail, "raw": .string(row.raw),
            ]
        }
        let next = rows.count == limit ? rows.last.map { JSONValue.string(PageCursor.encode([Int64($0.line)])) } : nil
        return try APIJSON.response(JSONValue.object(["items": .array(items), "next_cursor": next ?? .null]))
    }

    // MARK: - Helpers

    @discardableResult
    private static func requireImporter(_ request: Request) throws -> Principal {
        let principal = try request.principal
        guard AccessPolicy.canImport(principal) else {
            throw StoreError.forbidden("imports are for admins and managers")
        }
        return principal
    }

    private static func response(_ job: ImportJob, status: HTTPResponseStatus) async throws -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .location, value: "/api/v1/imports/\(UUIDText.format(job.id))")
        return try APIJSON.response(json(job), status: status, headers: headers)
    }

    static func json(_ job: ImportJob) -> JSONValue {
        var counts: [String: JSONValue] = [:]
        for action in ImportOutcome.Action.allCases { counts[action.rawValue] = .number(Double(job.counts[action] ?? 0)) }
        return [
            "id": .string(UUIDText.format(job.id)), "kind": .string(job.kind), "source": .string(job.source),
            "file_name": .string(job.fileName), "status": .string(job.status.rawValue),
            "dry_run": .bool(job.status == .previewing || job.status == .previewed),
            "total_rows": job.totalRows.map { .number(Double($0)) } ?? .null,
            "done_rows": .number(Double(job.doneRows)), "counts": .object(counts),
            "started_at": .string(RFC3339.format(job.startedAt)),
            "finished_at": job.finishedAt.map { .string(RFC3339.format($0)) } ?? .null,
            "error": job.error.map(JSONValue.string) ?? .null,
        ]
    }
}
