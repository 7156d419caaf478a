import Foundation
import RapportCore
import RapportStore
import Vapor

/// Starting an import of a customer file already on disk as a background job: the API's upload and the web UI's
/// mapping step both end here, so both import exactly alike and report into the same job rows.
enum ImportJobs {
    /// Where uploads wait: the API's until their job ends, the web UI's also between mapping and running.
    static var folder: URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("rapport-imports")
    }

    /// Opens the file as `CustomerImportFile` reads it, records the job and runs it in the background.
    /// - Parameter keepFile: leave the file in place when the job ends (the web UI's dry run, which may be followed
    ///   by the real import of the same file); otherwise it is removed.
    /// - Returns: the job, and whether it was started: a file imported completely before is not imported again,
    ///   and its finished job is returned instead.
    /// - Throws: `ValidationError` naming `file` or `map` when the file cannot be read as mapped.
    static func start(
        path: String, fileName: String, source: String, jsonLines: Bool, overrides: [String: CustomerColumn],
        dryRun: Bool, keepFile: Bool, principal: Principal, request: Request
    ) async throws -> (job: ImportJob, started: Bool) {
        var file = try CustomerImportFile(path: path, jsonLines: jsonLines, overrides: overrides,
                                          source: source, phoneRegion: request.rapport.settings.phoneRegion)
        let (digest, lines) = try ImportPipeline.digest(of: path, reading: file.description, source: source)
        let store = try request.store
        let jobs = ImportJobRepository(store)
        let importer = CustomerImporter(store, engine: request.rapport.lifecycle)
        let run: ImportRun
        if dryRun {
            run = .preview(try await jobs.startPreview(kind: "customers", source: source, fileName: fileName,
                                                       totalRows: max(lines - 1, 0), startedBy: principal.userID))
        } else {
            run = try await importer.begin(fileName: fileName, digest: digest, source: source)
            if run.finished {
                if !keepFile { try? FileManager.default.removeItem(atPath: path) }
                return (try await jobs.find(run.id), false)
            }
            try await jobs.describe(run.id, totalRows: max(lines - 1, 0), startedBy: principal.userID)
        }
        let logger = request.logger
        Task.detached {
            do {
                try await ImportPipeline.run(
                    &file, after: run.lastLine, batchSize: 1000,
                    importBatch: { try await importer.importBatch($0, run: run, source: source, dryRun: dryRun) }
                ) { batch in
                    try await jobs.report(run.id, rows: batch, preview: dryRun)
                }
                if dryRun { try await jobs.finishPreview(run.id) } else { try await importer.finish(run) }
            } catch {
                logger.error("import \(UUIDText.format(run.id)) failed: \(error)")
                try? await jobs.fail(run.id, error: String(describing: error))
            }
            if !keepFile { try? FileManager.default.removeItem(atPath: path) }
        }
        return (try await jobs.find(run.id), true)
    }
}
