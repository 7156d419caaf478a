import ArgumentParser
import Foundation
import RapportCore
import RapportServer
import RapportStore

/// `rapport import customers FILE`: customers from a spreadsheet export.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import customers from a CSV or TSV file.",
        subcommands: [ImportCustomersCommand.self])
}

/// `rapport import customers FILE [--source S] [--map M] [--dry-run] [--report R] [--allow-rejects]`.
struct ImportCustomersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customers",
        abstract: "Import customers: match by external ID, then e-mail or phone; update matches, create the rest.",
        discussion: """
            Reads CSV or TSV (comma, tab, semicolon or | detected from the header) in UTF-8, with or without a byte \
            order mark, or GB18030/GBK as Chinese spreadsheets export it. Columns are recognised by common English \
            and Chinese headers (姓名, 手机, 邮箱, 地址, 城市, 省份, 生日, 标签, 客户编号, …); other columns are kept \
            as attributes. A row matches an existing customer by its external ID in --source, then by a normalised \
            e-mail address or phone number, and updates only what it gives; other rows create customers. Rows whose \
            keys point at two customers are flagged as possible duplicates and left alone. Rejected rows are written, \
            with line numbers and reasons, to the report file. Batches are committed with the import's progress, so \
            an interrupted import run again resumes where it stopped, and a file imported to the end is not imported \
            again.
            """)

    @OptionGroup var options: SettingsOptions

    @Argument(help: "The CSV or TSV file.")
    var file: String

    @Option(help: "The source system the file comes from: the key of its customers' external IDs.")
    var source: String = "import"

    @Option(help: #"Column mapping overrides: "手机号=phone,客户编号=external_id,短信=consent.sms,备注=ignore"."#)
    var map: String?

    @Flag(help: "Write nothing; print what each row would do.")
    var dryRun = false

    @Option(help: "Where to write rejected rows (line, reason, row). Default: FILE.rejected.csv.")
    var report: String?

    @Flag(help: "Exit with status 0 even when rows were rejected.")
    var allowRejects = false

    enum Format: String, ExpressibleByArgument {
        case csv, jsonl
    }

    @Option(help: "csv (also TSV and other delimiters) or jsonl (default: jsonl for .jsonl and .ndjson files).")
    var format: Format?

    @Option(help: "Rows per committed batch.")
    var batch = 1000

    func validate() throws {
        guard (1...100_000).contains(batch) else { throw ArgumentParser.ValidationError("--batch: expected 1 to 100000") }
        guard !source.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ArgumentParser.ValidationError("--source: cannot be empty")
        }
    }

    func run() async throws {
        let settings = try CommandSettings.resolve(options.flags)
        var records = try await ImportRecords(file: file, jsonLines: format.map { $0 == .jsonl }
                                                  ?? [".jsonl", ".ndjson"].contains { file.lowercased().hasSuffix($0) },
                                              map: map, source: source, phoneRegion: settings.phoneRegion)
        let (digest, lines) = try Self.digest(of: file, reading: records.description, source: source)
        let reportPath = report ?? file + ".rejected.csv"
        try await RapportRuntime.withApplication(settings) { app in
            let importer = CustomerImporter(app.rapportDatabase, engine: app.lifecycleEngine)
            var run = ImportRun.dryRun
            if !dryRun {
                run = try await importer.begin(fileName: (file as NSString).lastPathComponent, digest: digest,
                                               source: source)
                if run.finished {
                    Terminal.emit("\(file) was imported to the end already (import \(UUIDText.format(run.id))): "
                        + "nothing to do")
                    return
                }
                if run.lastLine > 0 { Terminal.emit("resuming import \(UUIDText.format(run.id)) after line \(run.lastLine)") }
            }
            Terminal.emit(records.description)
            let started = Date()
            let progress = ProgressLine(total: max(lines - 1, 0), unit: "rows")
            var rejectedReport = RejectedRows(path: reportPath)
            var counts = [ImportOutcome.Action: Int]()
            var pending: [ImportRecord] = []
            var inFlight: (records: [ImportRecord], task: Task<[ImportOutcome], any Error>)?
            var done = 0
            // One batch is written while the next is read and parsed.
            func settle() async throws {
                guard let (records, task) = inFlight else { return }
                inFlight = nil
                for (record, outcome) in zip(records, try await task.value) {
                    counts[outcome.action, default: 0] += 1
                    if outcome.action == .rejected || outcome.action == .flagged {
                        try rejectedReport.write(line: record.line, reasons: outcome.reasons, raw: record.raw)
                    }
                    if dryRun { Terminal.emit(Self.describe(outcome)) }
                }
                done += records.count
                progress.update(done)
            }
            func flush() async throws {
                try await settle()
                guard !pending.isEmpty else { return }
                let records = pending
                inFlight = (records, Task { [run, source, dryRun] in
                    try await importer.importBatch(records, run: run, source: source, dryRun: dryRun)
                })
                pending.removeAll(keepingCapacity: true)
            }
            while let record = records.next() {
                // A resumed run skips what the committed batches took; an error without a line is always reported.
                guard record.line == 0 || record.line > run.lastLine else { continue }
                pending.append(record)
                if pending.count >= batch { try await flush() }
            }
            try await flush()
            try await settle()
            progress.update(done, of: done)
            progress.finish()
            try rejectedReport.close()
            if !dryRun { try await importer.finish(run) }
            let seconds = Date().timeIntervalSince(started)
            var lines = ["| figure | rows |", "| --- | ---: |"]
            for action in ImportOutcome.Action.allCases {
                lines.append("| \(dryRun ? "would be " : "")\(action.rawValue) | \(counts[action] ?? 0) |")
            }
            lines.append("| rows read | \(done) |")
            lines.append(String(format: "| rows/s | %.0f |", Double(done) / max(seconds, 0.001)))
            if rejectedReport.rows > 0 { lines.append("| rejected and flagged rows written to | \(reportPath) |") }
            Terminal.emit(lines.joined(separator: "\n"))
            if (counts[.rejected] ?? 0) > 0, !allowRejects {
                throw ExitCode(2)
            }
        }
    }

    /// One dry-run line: `line 3: update C-000012 phones ["+86…"] → ["+86…", "+86…"]`.
    static func describe(_ outcome: ImportOutcome) -> String {
        let number = outcome.number.map { " \($0)" } ?? ""
        switch outcome.action {
        case .created: return "line \(outcome.line): create"
        case .unchanged: return "line \(outcome.line): unchanged\(number)"
        case .updated:
            return "line \(outcome.line): update\(number) " + outcome.changes.map { change in
                "\(change.field) \(change.old.encodedText()) → \(change.new.encodedText())"
            }.joined(separator: "; ")
        case .rejected, .flagged:
            return "line \(outcome.line): \(outcome.action.rawValue): " + outcome.reasons.joined(separator: "; ")
        }
    }

    /// A digest of the file's bytes, how it is read (format and mapping) and the source — the identity of an import, so that running it again
    /// resumes or finds it done — and its count of lines, for the progress bar (records spanning lines make it an
    /// estimate). FNV-1a over 64 bits: this names
    /// a file among a business's imports, it does not defend against forgery.
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

/// The records of an import file, CSV or JSON Lines, read and checked one at a time.
private struct ImportRecords {
    private enum Reader {
        case delimited(DelimitedTextReader, CustomerImportRow)
        case jsonLines(JSONLinesReader, CustomerImportDocument)
    }

    private var reader: Reader
    /// How the file is read, for the terminal and the import's digest: its encoding and columns, or JSON Lines.
    let description: String

    init(file: String, jsonLines: Bool, map: String?, source: String, phoneRegion: String) async throws {
        if jsonLines {
            guard map == nil else { throw ArgumentParser.ValidationError("--map: JSON Lines name their fields") }
            do {
                reader = .jsonLines(try JSONLinesReader(fileAt: file),
                                    CustomerImportDocument(source: source, defaultPhoneRegion: phoneRegion))
            } catch {
                throw ArgumentParser.ValidationError("\(file): \(error)")
            }
            description = "JSON Lines, one customer per line"
            return
        }
        let delimited: DelimitedTextReader
        do {
            delimited = try DelimitedTextReader(fileAt: file)
        } catch {
            throw ArgumentParser.ValidationError("\(file): \(error)")
        }
        let header = delimited.header
        let overrides = try await CommandErrors.explain { try map.map { try CustomerImportMapping.overrides($0) } ?? [:] }
        let mapping = try await CommandErrors.explain { try CustomerImportMapping(header: header, overrides: overrides) }
        reader = .delimited(delimited, CustomerImportRow(header: header, mapping: mapping, source: source,
                                                         defaultPhoneRegion: phoneRegion))
        description = "\(delimited.encoding.name), '\(delimited.delimiter == "\t" ? "\\t" : String(delimited.delimiter))'-"
            + "separated; columns: " + zip(header, mapping.columns).map { "\($0) → \($1)" }.joined(separator: ", ")
    }

    /// The next record, or nil at the end of the file.
    mutating func next() -> ImportRecord? {
        switch reader {
        case .delimited(var delimited, let rows):
            defer { reader = .delimited(delimited, rows) }
            switch delimited.next() {
            case nil: return nil
            case .success(let record)?:
                return ImportRecord(line: record.line, raw: record.raw, parsed: Result {
                    () throws(RapportCore.ValidationError) in try rows.parse(record.fields)
                }, identity: rows.exportedIdentity(of: record.fields))
            case .failure(let error)?:
                return Self.unreadable(error)
            }
        case .jsonLines(var lines, let documents):
            defer { reader = .jsonLines(lines, documents) }
            switch lines.next() {
            case nil: return nil
            case .success(let line)?:
                let object = line.value.objectValue ?? [:]
                let identity = object["number"]?.stringValue.flatMap(CustomerNumber.init(parsing:)).flatMap { number in
                    object["created_at"]?.stringValue.flatMap(RFC3339.parse)
                        .map { ExportedIdentity(number: number, createdAt: $0) }
                }
                return ImportRecord(line: line.line, raw: line.raw, parsed: Result {
                    () throws(RapportCore.ValidationError) in try documents.parse(line.value)
                }, identity: identity)
            case .failure(let error)?:
                return Self.unreadable(error)
            }
        }
    }

    private static func unreadable(_ error: DelimitedTextError) -> ImportRecord {
        ImportRecord(line: error.line ?? 0, raw: error.raw, parsed: .failure(
            RapportCore.ValidationError(field: "row", code: "unreadable", message: error.message)))
    }
}
