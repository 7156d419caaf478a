import Foundation
import RapportCore
import RapportStore

/// A record of an import file as the pipeline handles it: the lines it was read from, for skipping what a resumed
/// run already committed and for reports of rejected rows.
public protocol ImportPipelineRecord: Sendable {
    /// The rows it was read from, each with its line (0 for a problem that concerns no line).
    var reportRows: [(line: Int, raw: String)] { get }
}

extension ImportRecord: ImportPipelineRecord {
    /// The customer's one row.
    public var reportRows: [(line: Int, raw: String)] { [(line, raw)] }
}

extension ImportItem: ImportPipelineRecord {
    /// The rows of the transaction or interaction (an order may span several).
    public var reportRows: [(line: Int, raw: String)] { rows }
}

/// Where an import's records come from: a file read and checked one record at a time.
public protocol ImportRecordSource {
    associatedtype Record: ImportPipelineRecord
    /// How the file is read, for people and for the import's digest: its encoding and columns, or JSON Lines.
    var description: String { get }
    /// The next record, or nil at the end of the file.
    mutating func next() -> Record?
}

/// Reads an import file batch by batch and hands each batch to the importer, one batch written while the next is
/// read and parsed; then hands the written batch's records and outcomes to the caller (a progress bar and report file
/// for the CLI, the job's report for the API). Shared by `rapport import` and `POST /api/v1/imports`.
public enum ImportPipeline {
    /// Imports every record of `source` after `lastLine` (a resumed run's committed lines), `batchSize` at a time.
    public static func run<Source: ImportRecordSource>(
        _ source: inout Source, after lastLine: Int, batchSize: Int,
        importBatch: @escaping @Sendable ([Source.Record]) async throws -> [ImportOutcome],
        onBatch: ([(record: Source.Record, outcome: ImportOutcome)]) async throws -> Void
    ) async throws {
        var pending: [Source.Record] = []
        var inFlight: (records: [Source.Record], task: Task<[ImportOutcome], any Error>)?
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
            inFlight = (records, Task { try await importBatch(records) })
            pending.removeAll(keepingCapacity: true)
        }
        do {
            while let record = source.next() {
                // A resumed run skips what the committed batches took (an order's rows are one record, never split
                // across batches); an error without a line is always reported.
                let lines = record.reportRows.map(\.line)
                guard lines.contains(0) || (lines.last ?? 0) > lastLine else { continue }
                pending.append(record)
                if pending.count >= batchSize { try await flush() }
            }
            try await flush()
            try await settle()
        } catch {
            // A batch still being written ends (committed or not) before the error goes up.
            _ = try? await inFlight?.task.value
            throw error
        }
    }

    /// A digest of the file's bytes, how it is read (format and mapping) and the source — the identity of an import,
    /// so that running it again resumes or finds it done — and its count of lines, for progress (records spanning
    /// lines make it an estimate). FNV-1a over 64 bits: it names a file among a business's imports, it does not defend
    /// against forgery.
    /// - Throws: `ValidationError` naming `file` when it cannot be read.
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

    /// A record that could not be read: its line, its text when it has one, and why.
    public static func unreadable(_ error: DelimitedTextError) -> (line: Int, raw: String, error: ValidationError) {
        (error.line ?? 0, error.raw ?? "", ValidationError(field: "row", code: "unreadable", message: error.message))
    }

    /// How a delimited file is read: encoding, delimiter and where each column goes.
    public static func describe<Column: ImportColumn>(_ reader: DelimitedTextReader, _ mapping: ImportMapping<Column>)
        -> String
    {
        "\(reader.encoding.name), '\(reader.delimiter == "\t" ? "\\t" : String(reader.delimiter))'-separated; columns: "
            + zip(reader.header, mapping.columns).map { "\($0) → \($1)" }.joined(separator: ", ")
    }
}

/// The customers of an import file, CSV (any delimiter, UTF-8 or GB18030) or JSON Lines, read and checked one at a
/// time.
public struct CustomerImportFile: ImportRecordSource {
    private var delimited: (reader: DelimitedTextReader, rows: CustomerImportRow)?
    private var lines: (reader: JSONLinesReader, documents: CustomerImportDocument)?
    public let description: String

    /// Opens `path`: JSON Lines when `jsonLines`, else delimited text mapped by its header and `overrides`.
    /// - Throws: `ValidationError` naming `file` (missing, empty, not text) or `map`.
    public init(path: String, jsonLines: Bool, overrides: [String: CustomerColumn], source: String,
                phoneRegion: String) throws(ValidationError)
    {
        if jsonLines {
            guard overrides.isEmpty else {
                throw ValidationError(field: "map", code: "not_applicable", message: "JSON Lines name their fields")
            }
            do {
                lines = (try JSONLinesReader(fileAt: path),
                         CustomerImportDocument(source: source, defaultPhoneRegion: phoneRegion))
            } catch {
                throw ValidationError(field: "file", code: "unreadable", message: error.message)
            }
            description = "JSON Lines, one customer per line"
            return
        }
        let reader: DelimitedTextReader
        do {
            reader = try DelimitedTextReader(fileAt: path)
        } catch {
            throw ValidationError(field: "file", code: "unreadable", message: error.description)
        }
        let mapping = try CustomerImportMapping(header: reader.header, overrides: overrides)
        delimited = (reader, CustomerImportRow(header: reader.header, mapping: mapping, source: source,
                                               defaultPhoneRegion: phoneRegion))
        description = ImportPipeline.describe(reader, mapping)
    }

    /// The next customer, or nil at the end of the file.
    public mutating func next() -> ImportRecord? {
        if let (reader, rows) = delimited {
            var reader = reader
            defer { delimited = (reader, rows) }
            switch reader.next() {
            case nil: return nil
            case .success(let record)?:
                return ImportRecord(line: record.line, raw: record.raw, parsed: Result {
                    () throws(ValidationError) in try rows.parse(record.fields)
                }, identity: rows.exportedIdentity(of: record.fields))
            case .failure(let error)?:
                let (line, raw, problem) = ImportPipeline.unreadable(error)
                return ImportRecord(line: line, raw: raw, parsed: .failure(problem))
            }
        }
        guard let (reader, documents) = lines else { return nil }
        var lineReader = reader
        defer { lines = (lineReader, documents) }
        switch lineReader.next() {
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
            let (line, raw, problem) = ImportPipeline.unreadable(error)
            return ImportRecord(line: line, raw: raw, parsed: .failure(problem))
        }
    }
}
