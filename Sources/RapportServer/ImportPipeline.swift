import Foundation
import RapportCore
import RapportStore

/// An import file opened for reading: CSV (any delimiter, UTF-8 or GB18030) or JSON Lines, its records read and
/// checked one at a time.
public struct ImportFile {
    private enum Reader {
        case delimited(DelimitedTextReader, CustomerImportRow)
        case jsonLines(JSONLinesReader, CustomerImportDocument)
    }

    private var reader: Reader
    /// How the file is read, for people and for the import's digest: its encoding and columns, or JSON Lines.
    public let description: String

    /// Opens `path`: JSON Lines when `jsonLines`, else delimited text with the mapping of its header and `map`'s
    /// overrides (`手机号=phone,客户编号=external_id`).
    /// - Throws: `ValidationError` naming `file` (unreadable, empty, not text) or `map`.
    public init(path: String, jsonLines: Bool, map: String?, source: String, phoneRegion: String) throws(ValidationError) {
        if jsonLines {
            guard map == nil else {
                throw ValidationError(field: "map", code: "not_applicable", message: "JSON Lines name their fields")
            }
            do {
                reader = .jsonLines(try JSONLinesReader(fileAt: path),
                                    CustomerImportDocument(source: source, defaultPhoneRegion: phoneRegion))
            } catch {
                throw ValidationError(field: "file", code: "unreadable", message: error.message)
            }
            description = "JSON Lines, one customer per line"
            return
        }
        let delimited: DelimitedTextReader
        do {
            delimited = try DelimitedTextReader(fileAt: path)
        } catch {
            throw ValidationError(field: "file", code: "unreadable", message: error.message)
        }
        let header = delimited.header
        var overrides: [String: CustomerColumn] = [:]
        if let map { overrides = try CustomerImportMapping.overrides(map) }
        let mapping = try CustomerImportMapping(header: header, overrides: overrides)
        reader = .delimited(delimited, CustomerImportRow(header: header, mapping: mapping, source: source,
                                                         defaultPhoneRegion: phoneRegion))
        let delimiter = delimited.delimiter == "\t" ? "\\t" : String(delimited.delimiter)
        description = "\(delimited.encoding.name), '\(delimiter)'-separated; columns: "
            + zip(header, mapping.columns).map { "\($0) → \($1)" }.joined(separator: ", ")
    }

    /// The next record, or nil at the end of the file.
    public mutating func next() -> ImportRecord? {
        switch reader {
        case .delimited(var delimited, let rows):
            defer { reader = .delimited(delimited, rows) }
            switch delimited.next() {
            case nil: return nil
            case .success(let record)?:
                return ImportRecord(line: record.line, raw: record.raw, parsed: Result {
                    () throws(ValidationError) in try rows.parse(record.fields)
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
                    () throws(ValidationError) in try documents.parse(line.value)
                }, identity: identity)
            case .failure(let error)?:
                return Self.unreadable(error)
            }
        }
    }

    private static func unreadable(_ error: DelimitedTextError) -> ImportRecord {
        ImportRecord(line: error.line ?? 0, raw: error.raw, parsed: .failure(
            ValidationError(field: "row", code: "unreadable", message: error.message)))
    }

    /// A digest of the file's bytes, how it is read and the source — the identity of an import, so that running it
    /// again resumes or finds it done — and its count of lines, for progress (records spanning lines make it an
    /// estimate). FNV-1a over 64 bits: it names a file among a business's imports, it does not defend against forgery.
    public static func digest(of path: String, reading: String, source: String) throws -> (digest: String, lines: Int) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ValidationError(field: "file", code: "unreadable", message: "\(path) cannot be read")
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

/// Imports an opened file batch by batch, one batch written while the next is read and parsed, and hands each
/// written batch's records and outcomes to the caller (a progress bar and report file for the CLI, the job's report
/// for the API). A resumed run skips the lines its committed batches took.
public struct ImportPipeline: Sendable {
    let importer: CustomerImporter
    /// Rows per committed batch.
    let batchSize: Int

    /// A pipeline writing through `importer`.
    public init(importer: CustomerImporter, batchSize: Int = 1000) {
        self.importer = importer
        self.batchSize = batchSize
    }

    /// Reads `file` to the end and imports it as `run` (or, with `dryRun`, decides each row and writes nothing).
    public func run(
        _ file: inout ImportFile, run: ImportRun, source: String, dryRun: Bool,
        onBatch: ([(record: ImportRecord, outcome: ImportOutcome)]) async throws -> Void
    ) async throws {
        var pending: [ImportRecord] = []
        var inFlight: (records: [ImportRecord], task: Task<[ImportOutcome], any Error>)?
        let importer = self.importer
        func settle() async throws {
            guard let (records, task) = inFlight else { return }
            inFlight = nil
            let outcomes = try await task.value
            try await onBatch(zip(records, outcomes).map { ($0, $1) })
        }
        func flush() async throws {
            try await settle()
            guard !pending.isEmpty else { return }
            let records = pending
            inFlight = (records, Task {
                try await importer.importBatch(records, run: run, source: source, dryRun: dryRun)
            })
            pending.removeAll(keepingCapacity: true)
        }
        do {
            while let record = file.next() {
                // An error without a line is always reported.
                guard record.line == 0 || record.line > run.lastLine else { continue }
                pending.append(record)
                if pending.count >= batchSize { try await flush() }
            }
            try await flush()
            try await settle()
        } catch {
            // A batch still being written finishes (or fails) before the error goes up.
            _ = try? await inFlight?.task.value
            throw error
        }
        if !dryRun { try await importer.finish(run) }
    }
}
