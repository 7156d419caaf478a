import Foundation
import Leaf
import RapportCore
import RapportStore
import Vapor

/// Importing customers from the browser, in the steps a person takes: upload a file (streamed to disk, any size),
/// check which field each column feeds (guessed from its header, changeable per column), try it as a dry run (the
/// report says what would be created, changed field by field, or rejected and why, and nothing is written), run it
/// (a background job whose page follows its progress), and read the rejected rows. The same jobs and reports as the
/// API's `/imports`; for admins and managers.
struct ImportsPageController: RouteCollection {
    static let reportSize = 100
    /// An upload left between its steps longer than this is removed by the next upload.
    static let uploadLifetime: TimeInterval = 24 * 3600

    func boot(routes: any RoutesBuilder) throws {
        routes.get("imports", use: list)
        routes.on(.POST, "imports", body: .stream, use: upload)
        routes.post("imports", "start", use: start)
        routes.get("imports", ":id", use: show)
    }

    @Sendable func list(request: Request) async throws -> Response {
        try await Self.importer(request, operation: "import.view")
        return try await Self.listPage(request).response(for: request)
    }

    /// Receives the file, then shows its columns with the field each feeds, a few values of each, and the choice.
    @Sendable func upload(request: Request) async throws -> Response {
        try await Self.importer(request, operation: "import.create")
        Self.sweep()
        let upload: ImportUpload
        do {
            upload = try await ImportUpload.receive(request, into: ImportJobs.folder)
        } catch let problem as Problem {
            var page = try await Self.listPage(request)
            page["error"] = .string(([problem.detail] + (problem.errors ?? []).map(\.message)).compactMap { $0 }
                .joined(separator: " "))
            return try await page.response(for: request, status: HTTPStatus(statusCode: problem.status))
        }
        guard let session = request.webSession,
              WebSecurity.constantTimeEqual(upload.fields["csrf"] ?? "", session.csrfToken)
        else {
            try? FileManager.default.removeItem(atPath: upload.path)
            throw Abort(.forbidden, reason: request.text("error.csrf"))
        }
        let source = TextNormalization.clean(upload.fields["source"] ?? "")
        let form = StartForm(upload: Self.uploadID(of: upload.path), file_name: upload.fileName,
                             source: source.isEmpty ? "import" : source)
        return try await Self.mappingPage(form, request: request).response(for: request)
    }

    /// The form of the mapping step, and of "import it now" after a dry run.
    struct StartForm: Content {
        var upload: String?
        var file_name: String?
        var source: String?
        var dry_run: String?
        var csrf: String?
    }

    @Sendable func start(request: Request) async throws -> Response {
        let principal = try await Self.importer(request, operation: "import.create")
        try request.requireCSRFToken()
        let form = try request.content.decode(StartForm.self)
        guard let path = Self.uploadPath(form.upload), FileManager.default.fileExists(atPath: path) else {
            var page = try await Self.listPage(request)
            page["error"] = .string(request.text("imports.upload_gone"))
            return try await page.response(for: request, status: .gone)
        }
        let fileName = String((form.file_name ?? "upload").prefix(255))
        let source = TextNormalization.clean(form.source ?? "import")
        let jsonLines = Self.isJSONLines(fileName)
        var overrides: [String: CustomerColumn] = [:]
        if !jsonLines {
            let header = try Self.preview(path).header
            for (index, title) in header.enumerated() {
                guard let text = try? request.content.get(String.self, at: "map_\(index)") else { continue }
                guard let column = CustomerColumn(spelled: text) else { throw Abort(.badRequest) }
                overrides[title] = column
            }
        }
        let dryRun = form.dry_run == "true"
        do {
            guard !source.isEmpty, source.count <= 100 else {
                throw ValidationError(field: "source", code: "invalid", message: request.text("imports.source_invalid"))
            }
            let (job, _) = try await ImportJobs.start(
                path: path, fileName: fileName, source: source, jsonLines: jsonLines, overrides: overrides,
                dryRun: dryRun, keepFile: dryRun, principal: principal, request: request)
            if !dryRun { try? FileManager.default.removeItem(atPath: path + ".mapping") }
            var target = "/imports/\(UUIDText.format(job.id))"
            if dryRun, let upload = form.upload {
                try Self.saveMapping(overrides, source: source, fileName: fileName, for: path)
                target += "?upload=\(upload)"
            }
            return request.redirect(to: target, redirectType: .normal)
        } catch let invalid as ValidationError {
            var page = try await Self.mappingPage(form, request: request, overrides: overrides)
            page["errors"] = .array(invalid.errors.map { .string(CustomerEditForm.message($0, request: request)) })
            return try await page.response(for: request, status: .unprocessableEntity)
        }
    }

    struct JobQuery: Content {
        var action: String?
        var after: String?
        var upload: String?
    }

    @Sendable func show(request: Request) async throws -> Response {
        try await Self.importer(request, operation: "import.view")
        guard let id = request.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw Abort(.notFound) }
        let query = try request.query.decode(JobQuery.self)
        let repository = ImportJobRepository(try request.store)
        let job = try await repository.find(id)
        let language = request.webLanguage
        var page = WebPage("import", section: "imports")
        page["job"] = Self.job(job, request: request)
        let running = job.status == .running || job.status == .previewing
        page["refresh"] = .bool(running)
        let chosen: ImportOutcome.Action?
        if let text = query.action, !text.isEmpty {
            guard let action = ImportOutcome.Action(rawValue: text) else { throw Abort(.badRequest) }
            chosen = action
        } else {
            chosen = (job.counts[.rejected] ?? 0) > 0 ? .rejected : (job.counts[.updated] ?? 0) > 0 ? .updated : nil
        }
        page["action"] = .string(chosen?.rawValue ?? "")
        page["actions"] = .array(ImportOutcome.Action.allCases.map { action in
            .dictionary(["key": .string(action.rawValue), "label": .string(request.text("imports.action.\(action.rawValue)")),
                         "count": .string((job.counts[action] ?? 0).formatted())])
        })
        let afterLine = query.after.flatMap(Int.init)
        let rows = try await repository.rows(of: id, action: chosen, afterLine: afterLine, limit: Self.reportSize)
        let summary = TimelineText(request: request, currency: request.rapport.settings.baseCurrency)
        page["rows"] = .array(rows.map { row in
            let items = row.detail.arrayValue ?? []
            let details: [LeafData] = row.action == .updated
                ? items.map { change in
                    let members = change.objectValue ?? [:]
                    let field = members["field"]?.stringValue ?? ""
                    let label = request.said("field.\(field)", otherwise: field)
                    return .string("\(label): \(summary.summary(members["old"])) → "
                        + summary.summary(members["new"]))
                }
                : items.compactMap(\.stringValue).map(LeafData.string)
            return .dictionary([
                "line": .string(String(row.line)), "action": .string(request.text("imports.action.\(row.action.rawValue)")),
                "number": .string(row.number?.description ?? ""), "details": .array(details), "raw": .string(row.raw),
            ])
        })
        if rows.count == Self.reportSize, let last = rows.last {
            page["next"] = .string(String(last.line))
        }
        // After a dry run of an upload still waiting, the same file and mapping can be imported for real.
        if job.status == .previewed, let upload = query.upload, let path = Self.uploadPath(upload),
           FileManager.default.fileExists(atPath: path), let saved = Self.savedMapping(for: path)
        {
            page["again"] = .dictionary([
                "upload": .string(upload), "fileName": .string(saved.fileName), "source": .string(saved.source),
                "map": .array(saved.map.map { index, target in
                    .dictionary(["name": .string("map_\(index)"), "value": .string(target)])
                }),
            ])
        }
        page["started"] = .string(WebFormat.time(job.startedAt, in: language))
        return try await page.response(for: request)
    }

    // MARK: - Pages

    private static func listPage(_ request: Request) async throws -> WebPage {
        let jobs = try await ImportJobRepository(try request.store).list(limit: 20)
        var page = WebPage("imports", section: "imports")
        page["jobs"] = .array(jobs.map { job(_: $0, request: request) })
        return page
    }

    private static func mappingPage(
        _ form: StartForm, request: Request, overrides: [String: CustomerColumn] = [:]
    ) async throws -> WebPage {
        guard let path = uploadPath(form.upload) else { throw Abort(.badRequest) }
        var page = WebPage("import-mapping", section: "imports")
        page["upload"] = .string(form.upload ?? "")
        page["fileName"] = .string(form.file_name ?? "")
        page["source"] = .string(form.source ?? "import")
        guard !isJSONLines(form.file_name ?? "") else {
            page["jsonLines"] = .bool(true)
            return page
        }
        let preview: (header: [String], samples: [[String]])
        do {
            preview = try Self.preview(path)
        } catch let error as DelimitedTextError {
            try? FileManager.default.removeItem(atPath: path)
            throw Abort(.unprocessableEntity, reason: request.text("imports.unreadable", [error.description]))
        }
        let targets = CustomerColumn.targetNames.filter { !["addresses", "attributes", "external_ids", "social"].contains($0) }
        page["columns"] = .array(preview.header.enumerated().map { index, title in
            let chosen = (overrides[title] ?? CustomerColumn.guess(title)).description
            var options = targets.map { target in
                LeafData.dictionary(["value": .string(target), "label": .string(targetLabel(target, request: request)),
                                     "selected": .bool(target == chosen)])
            }
            let attribute = "attribute.\(title)"
            options.append(.dictionary(["value": .string(attribute),
                                        "label": .string(request.text("imports.as_attribute", [title])),
                                        "selected": .bool(attribute == chosen)]))
            if !targets.contains(chosen), chosen != attribute {
                options.append(.dictionary(["value": .string(chosen), "label": .string(chosen), "selected": .bool(true)]))
            }
            return .dictionary([
                "index": .string(String(index)), "title": .string(title), "options": .array(options),
                "samples": .string(preview.samples.compactMap { index < $0.count ? $0[index] : nil }
                    .filter { !$0.isEmpty }.joined(separator: " · ")),
            ])
        })
        return page
    }

    private static func targetLabel(_ target: String, request: Request) -> String {
        let label = request.said("imports.target.\(target)", otherwise: target)
        return label == target ? target : "\(label) (\(target))"
    }

    private static func job(_ job: ImportJob, request: Request) -> LeafData {
        let total = job.totalRows ?? 0
        return .dictionary([
            "id": .string(UUIDText.format(job.id)), "fileName": .string(job.fileName), "source": .string(job.source),
            "status": .string(job.status.rawValue), "statusText": .string(request.text("imports.status.\(job.status.rawValue)")),
            "done": .string(job.doneRows.formatted()), "total": .string(total.formatted()),
            "doneValue": .string(String(job.doneRows)), "totalValue": .string(String(max(total, job.doneRows, 1))),
            "created": .string((job.counts[.created] ?? 0).formatted()),
            "updated": .string((job.counts[.updated] ?? 0).formatted()),
            "unchanged": .string((job.counts[.unchanged] ?? 0).formatted()),
            "rejected": .string((job.counts[.rejected] ?? 0).formatted()),
            "dryRun": .bool(job.status == .previewing || job.status == .previewed),
            "started": .string(WebFormat.time(job.startedAt, in: request.webLanguage)),
            "error": .string(job.error ?? ""),
        ])
    }

    // MARK: - Uploads between steps

    @discardableResult
    private static func importer(_ request: Request, operation: String) async throws -> Principal {
        let principal = try request.requirePrincipal()
        try await request.requirePermission(AccessPolicy.canImport(principal), operation: operation,
                                            principal: principal)
        return principal
    }

    /// The upload's name in the folder (a UUID): the only handle the pages pass around, never a path.
    private static func uploadID(of path: String) -> String {
        URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    }

    /// The path of an upload ID; nil unless it is a UUID, so no form can name another file.
    private static func uploadPath(_ id: String?) -> String? {
        guard let id, let uuid = UUID(uuidString: id) else { return nil }
        return ImportJobs.folder.appendingPathComponent(UUIDText.format(uuid) + ".upload").path
    }

    private static func isJSONLines(_ fileName: String) -> Bool {
        [".jsonl", ".ndjson"].contains { fileName.lowercased().hasSuffix($0) }
    }

    /// The header and the first three records of a delimited file.
    private static func preview(_ path: String) throws -> (header: [String], samples: [[String]]) {
        var reader = try DelimitedTextReader(fileAt: path)
        var samples: [[String]] = []
        while samples.count < 3, let next = reader.next() {
            if case .success(let record) = next { samples.append(record.fields) }
        }
        return (reader.header, samples)
    }

    /// What a dry run used, kept beside its upload for the real run: column index → target, source, file name.
    private struct SavedMapping: Codable {
        var map: [Int: String]
        var source: String
        var fileName: String
    }

    private static func saveMapping(_ overrides: [String: CustomerColumn], source: String, fileName: String,
                                    for path: String) throws {
        let header = try preview(path).header
        var map: [Int: String] = [:]
        for (index, title) in header.enumerated() { if let column = overrides[title] { map[index] = column.description } }
        let data = try JSONEncoder().encode(SavedMapping(map: map, source: source, fileName: fileName))
        try data.write(to: URL(fileURLWithPath: path + ".mapping"))
    }

    private static func savedMapping(for path: String) -> (map: [(Int, String)], source: String, fileName: String)? {
        guard let data = FileManager.default.contents(atPath: path + ".mapping"),
              let saved = try? JSONDecoder().decode(SavedMapping.self, from: data)
        else { return nil }
        return (saved.map.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, saved.source, saved.fileName)
    }

    /// Removes uploads (and their saved mappings) older than `uploadLifetime`: abandoned between steps.
    private static func sweep() {
        let manager = FileManager.default
        let folder = ImportJobs.folder
        guard let names = try? manager.contentsOfDirectory(atPath: folder.path) else { return }
        let cutoff = Date().addingTimeInterval(-uploadLifetime)
        for name in names {
            let path = folder.appendingPathComponent(name).path
            if let modified = (try? manager.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
               modified < cutoff
            {
                try? manager.removeItem(atPath: path)
            }
        }
    }
}
