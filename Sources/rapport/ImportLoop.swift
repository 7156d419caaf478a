import ArgumentParser
import Foundation
import RapportCore
import RapportServer
import RapportStore

/// The loop every `rapport import` subcommand runs: find or start the run in `imports` (or resume it), read the file
/// a batch at a time — one batch written while the next is read and parsed — print what a dry run would do, write
/// rejected rows to the report, finish the run, and print the summary table. Exit status 2 when rows were rejected,
/// unless `--allow-rejects`.
struct ImportLoop {
    let kind: ImportKind
    let options: ImportOptions
    /// The outcomes the summary table lists for this kind.
    let actions: [ImportOutcome.Action]

    /// Imports `records`; `importer` makes, from the database and the lifecycle engine, the function that decides
    /// and writes one batch (`dryRun` true: decides, writes nothing).
    func run<Source: ImportRecordSource>(
        _ records: Source, settings: Settings,
        importer: @escaping (RapportDatabase, LifecycleEngine)
            -> @Sendable ([Source.Record], ImportRun, Bool) async throws -> [ImportOutcome]
    ) async throws {
        var records = records
        let file = options.file
        let (digest, lines) = try await CommandErrors.explain {
            try ImportPipeline.digest(of: file, reading: records.description, source: options.source)
        }
        let reportPath = options.report ?? file + ".rejected.csv"
        let dryRun = options.dryRun
        try await RapportRuntime.withApplication(settings) { app in
            let journal = ImportJournal(app.rapportDatabase)
            let importBatch = importer(app.rapportDatabase, app.lifecycleEngine)
            var run = ImportRun.dryRun
            if !dryRun {
                run = try await journal.begin(kind, fileName: (file as NSString).lastPathComponent, digest: digest,
                                              source: options.source)
                if run.finished {
                    Terminal.emit("\(file) was imported to the end already (import \(UUIDText.format(run.id))): "
                        + "nothing to do")
                    return
                }
                if run.lastLine > 0 {
                    Terminal.emit("resuming import \(UUIDText.format(run.id)) after line \(run.lastLine)")
                }
            }
            Terminal.emit(records.description)
            let started = Date()
            let progress = ProgressLine(total: max(lines - 1, 0), unit: "rows")
            var rejectedReport = RejectedRows(path: reportPath)
            var counts = [ImportOutcome.Action: Int]()
            var done = 0
            try await ImportPipeline.run(
                &records, after: run.lastLine, batchSize: options.batch,
                importBatch: { [run] batch in try await importBatch(batch, run, dryRun) }
            ) { batch in
                for (record, outcome) in batch {
                    counts[outcome.action, default: 0] += 1
                    if outcome.action == .rejected || outcome.action == .flagged {
                        for (line, raw) in record.reportRows {
                            try rejectedReport.write(line: line, reasons: outcome.reasons, raw: raw)
                        }
                    }
                    if dryRun { Terminal.emit(Self.describe(outcome)) }
                }
                done += batch.reduce(0) { $0 + $1.record.reportRows.count }
                progress.update(done)
            }
            progress.update(done, of: done)
            progress.finish()
            try rejectedReport.close()
            if !dryRun { try await journal.finish(run) }
            let seconds = Date().timeIntervalSince(started)
            var table = ["| figure | rows |", "| --- | ---: |"]
            for action in actions {
                table.append("| \(dryRun ? "would be " : "")\(action.rawValue) | \(counts[action] ?? 0) |")
            }
            table.append("| rows read | \(done) |")
            table.append(String(format: "| rows/s | %.0f |", Double(done) / max(seconds, 0.001)))
            if rejectedReport.rows > 0 { table.append("| rejected and flagged rows written to | \(reportPath) |") }
            Terminal.emit(table.joined(separator: "\n"))
            if (counts[.rejected] ?? 0) > 0, !options.allowRejects {
                throw ExitCode(2)
            }
        }
    }

    /// One dry-run line: `line 3: update C-000012 phones ["+86…"] → ["+86…", "+86…"]`, `line 7: create purchase
    /// O-1001 ¥1,234.50 for C-000012`.
    static func describe(_ outcome: ImportOutcome) -> String {
        let number = outcome.number.map { " \($0)" } ?? ""
        let detail = outcome.detail.map { " \($0)" } ?? ""
        switch outcome.action {
        case .created: return "line \(outcome.line): create\(detail)\(outcome.detail == nil ? "" : " for" + number)"
        case .unchanged:
            return "line \(outcome.line): unchanged\(detail)\(outcome.detail == nil ? number : " of" + number)"
        case .updated:
            return "line \(outcome.line): update\(number) " + outcome.changes.map { change in
                "\(change.field) \(change.old.encodedText()) → \(change.new.encodedText())"
            }.joined(separator: "; ")
        case .rejected, .flagged:
            return "line \(outcome.line): \(outcome.action.rawValue): " + outcome.reasons.joined(separator: "; ")
        }
    }
}

/// The report of rejected and flagged rows: CSV with the line, the reasons and the row as the file had it.
private struct RejectedRows {
    let path: String
    private(set) var rows = 0
    private var handle: FileHandle?

    init(path: String) {
        self.path = path
    }

    mutating func write(line: Int, reasons: [String], raw: String) throws {
        if handle == nil {
            _ = FileManager.default.createFile(atPath: path, contents: Data("line,reason,row\n".utf8))
            guard let opened = FileHandle(forWritingAtPath: path) else {
                throw ArgumentParser.ValidationError("--report: cannot write \(path)")
            }
            opened.seekToEndOfFile()
            handle = opened
        }
        func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        handle?.write(Data("\(line),\(quoted(reasons.joined(separator: "; "))),\(quoted(raw))\n".utf8))
        rows += 1
    }

    func close() throws {
        try handle?.close()
    }
}
