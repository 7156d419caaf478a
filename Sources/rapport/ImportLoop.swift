import ArgumentParser
import Foundation
import RapportCore
import RapportServer
import RapportStore

/// A record of an import file as the loop handles it: the lines it was read from, for skipping what a resumed run
/// already committed and for the report of rejected rows.
protocol ImportLoopRecord: Sendable {
    /// The rows it was read from, each with its line (0 for a problem that concerns no line).
    var reportRows: [(line: Int, raw: String)] { get }
}

extension ImportRecord: ImportLoopRecord {
    var reportRows: [(line: Int, raw: String)] { [(line, raw)] }
}

extension ImportItem: ImportLoopRecord {
    var reportRows: [(line: Int, raw: String)] { rows }
}

/// Where an import's records come from: a file read and checked one record at a time.
protocol ImportRecordSource {
    associatedtype Record: ImportLoopRecord
    /// How the file is read, for the terminal and the import's digest: its encoding and columns, or JSON Lines.
    var description: String { get }
    /// The next record, or nil at the end of the file.
    mutating func next() -> Record?
}

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
        let (digest, lines) = try Self.digest(of: file, reading: records.description, source: options.source)
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
            var pending: [Source.Record] = []
            var inFlight: (records: [Source.Record], task: Task<[ImportOutcome], any Error>)?
            var done = 0
            // One batch is written while the next is read and parsed.
            func settle() async throws {
                guard let (records, task) = inFlight else { return }
                inFlight = nil
                for (record, outcome) in zip(records, try await task.value) {
                    counts[outcome.action, default: 0] += 1
                    if outcome.action == .rejected || outcome.action == .flagged {
                        for (line, raw) in record.reportRows {
                            try rejectedReport.write(line: line, reasons: outcome.reasons, raw: raw)
                        }
                    }
                    if dryRun { Terminal.emit(Self.describe(outcome)) }
                }
                done += records.reduce(0) { $0 + $1.reportRows.count }
                progress.update(done)
            }
            func flush() async throws {
                try await settle()
                guard !pending.isEmpty else { return }
                let records = pending
                inFlight = (records, Task { [run] in try await importBatch(records, run, dryRun) })
                pending.removeAll(keepingCapacity: true)
            }
            while let record = records.next() {
                // A resumed run skips what the committed batches took (an order's rows are one record, never split
                // across batches); an error without a line is always reported.
                let lines = record.reportRows.map(\.line)
                guard lines.contains(0) || (lines.last ?? 0) > run.lastLine else { continue }
                pending.append(record)
                if pending.count >= options.batch { try await flush() }
            }
            try await flush()
            try await settle()
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

    /// A digest of the file's bytes, how it is read (format and mapping) and the source — the identity of an import,
    /// so that running it again resumes or finds it done — and its count of lines, for the progress bar (records
    /// spanning lines make it an estimate). FNV-1a over 64 bits: this names a file among a business's imports, it
    /// does not defend against forgery.
    static func digest(of path: String, reading: String, source: String) throws -> (String, Int) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ArgumentParser.ValidationError("\(path): cannot be read")
        }
        defer { try? handle.close() }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func add<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        }
        var lines = 0
        var last: UInt8 = 0x0A
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            add(chunk)
            lines += chunk.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            last = chunk.last ?? last
        }
        add(Array((source + "\n" + reading).utf8))
        return (String(format: "%016llx", hash), lines + (last == 0x0A ? 0 : 1))
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
            FileManager.default.createFile(atPath: path, contents: Data("line,reason,row\n".utf8))
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
