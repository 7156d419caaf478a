import Foundation

/// The text encodings `DelimitedTextReader` reads.
public enum TextEncoding: String, Sendable {
    case utf8
    /// China's national character set, a superset of GBK and GB2312: what Excel on Chinese Windows saves CSV in.
    case gb18030

    /// The name messages use.
    public var name: String { self == .utf8 ? "UTF-8" : "GB18030" }
}

/// One record of a delimited text file.
public struct DelimitedRecord: Equatable, Sendable {
    /// The physical line the record starts on, 1-based; the header and blank lines count.
    public let line: Int
    /// As many values as the header has names. Unquoted values are trimmed of spaces and tabs; quoted ones are kept
    /// as they are, except that their line breaks are `\n` whatever the file uses.
    public let fields: [String]
    /// The record as the file has it, without its final line break: for reports of rejected rows.
    public let raw: String

    /// Creates a record.
    public init(line: Int, fields: [String], raw: String) {
        self.line = line
        self.fields = fields
        self.raw = raw
    }
}

/// A problem with one record, which is skipped while reading goes on, or with the whole file.
public struct DelimitedTextError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The physical line the problem starts on; nil when it concerns the file as a whole.
    public let line: Int?
    /// What is wrong, without the line number.
    public let message: String
    /// The record as the file has it, when it could be read as text (a ragged row, a line that is not JSON): for
    /// reports of rejected rows.
    public let raw: String?

    /// Creates an error.
    public init(line: Int?, message: String, raw: String? = nil) {
        self.line = line
        self.message = message
        self.raw = raw
    }

    /// `line 7: 5 fields, the header has 4`, or the message alone when no line is concerned.
    public var description: String { line.map { "line \($0): \(message)" } ?? message }
}

/// Reads the CSV and TSV files spreadsheets export — comma, tab, semicolon or vertical bar delimited, UTF-8 or
/// GB18030, quoted as RFC 4180 says — one record at a time, in memory bounded by the chunk and field sizes however
/// large the file. A malformed record is reported with its line and skipped; nothing is dropped silently.
///
/// Reading is single-pass: copies of a reader made from a file share its position.
public struct DelimitedTextReader: Sequence, IteratorProtocol {
    /// UTF-8 when the file starts with a byte order mark or its first 64 KiB are valid UTF-8, else GB18030.
    public let encoding: TextEncoding
    /// The column names, trimmed, non-empty and unique.
    public private(set) var header: [String] = []
    /// Whichever of comma, tab, semicolon and vertical bar occurs most in the header line outside quotes; a comma
    /// when none does.
    public var delimiter: Character { Character(Unicode.Scalar(scanner.delimiter)) }

    private var source: ByteSource
    private let chunkSize: Int
    private let maxFieldBytes: Int
    private var chunk: [UInt8]
    private var position: Int
    private var scanner: RecordScanner
    private var finished = false

    /// Opens a file and reads its header.
    /// - Parameters:
    ///   - chunkSize: How many bytes to read from the file at a time.
    ///   - maxFieldBytes: The longest value accepted, in bytes of the file without the quotes around it; a record
    ///     with a longer one is an error.
    /// - Throws: When the file cannot be read, is empty, is not text, or has no valid header.
    public init(fileAt path: String, chunkSize: Int = 1 << 20, maxFieldBytes: Int = 1 << 20)
        throws(DelimitedTextError)
    {
        try self.init(source: try .opening(path), chunkSize: chunkSize, maxFieldBytes: maxFieldBytes)
    }

    /// Reads bytes already in memory, such as an upload, as `init(fileAt:)` reads a file.
    public init(data: Data, chunkSize: Int = 1 << 20, maxFieldBytes: Int = 1 << 20) throws(DelimitedTextError) {
        try self.init(source: .memory(data, next: data.startIndex), chunkSize: chunkSize, maxFieldBytes: maxFieldBytes)
    }

    private init(source: ByteSource, chunkSize: Int, maxFieldBytes: Int) throws(DelimitedTextError) {
        precondition(chunkSize > 0 && maxFieldBytes > 0, "chunkSize and maxFieldBytes must be positive")
        var source = source
        var sample: [UInt8] = []
        var whole = false
        while sample.count < Self.sampleSize {
            guard let bytes = try source.read(upTo: chunkSize) else {
                whole = true
                break
            }
            sample += bytes
        }
        let hasBOM = sample.starts(with: [0xEF, 0xBB, 0xBF])
        let text = sample.prefix(Self.sampleSize).dropFirst(hasBOM ? 3 : 0)
        guard !text.isEmpty else { throw DelimitedTextError(line: nil, message: "the file is empty") }
        encoding = hasBOM ? .utf8 : try Self.detectEncoding(text, whole: whole)
        let delimiter = Self.detectDelimiter(text, encoding: encoding)
        self.source = source
        self.chunkSize = chunkSize
        self.maxFieldBytes = maxFieldBytes
        chunk = sample
        position = hasBOM ? 3 : 0
        // A header is names: far shorter than this, yet the limit keeps a headerless huge file from filling memory.
        scanner = RecordScanner(delimiter: delimiter, gb18030: encoding == .gb18030, maxFieldBytes: maxFieldBytes,
                                expectedFields: .max, rawLimit: 1 << 20)
        header = try readHeader()
        // Room for every field at its longest, all of it doubled quotes, plus the delimiters.
        scanner.rawLimit = header.count * (2 * maxFieldBytes + 3)
        scanner.expectedFields = header.count
    }

    /// The next record, or why the next record was skipped; nil at the end of the file.
    ///
    /// After an unclosed quote, which swallows the rest of the file, or a failure to read the file, the reading ends.
    public mutating func next() -> Result<DelimitedRecord, DelimitedTextError>? {
        guard !finished else { return nil }
        do {
            guard try scanRecord() else {
                finished = true
                return nil
            }
            return finishedRecord(width: header.count)
        } catch {
            finished = true
            return .failure(error)
        }
    }

    private mutating func readHeader() throws(DelimitedTextError) -> [String] {
        // A header that cannot be read refuses the file as a whole: its errors carry no record.
        let scanned: Bool
        do {
            scanned = try scanRecord()
        } catch {
            throw DelimitedTextError(line: error.line, message: error.message)
        }
        guard scanned else { throw DelimitedTextError(line: nil, message: "the file is empty") }
        let line = scanner.recordLine
        let names = try finishedRecord(width: nil).get().fields.map { $0.trimmingCharacters(in: .whitespaces) }
        var columns: [String: Int] = [:]
        for (index, name) in names.enumerated() {
            guard !name.isEmpty else {
                throw DelimitedTextError(line: line, message: "column \(index + 1) of the header has no name")
            }
            if let first = columns[name] {
                let message = "the header has \"\(name)\" twice (columns \(first) and \(index + 1))"
                throw DelimitedTextError(line: line, message: message)
            }
            columns[name] = index + 1
        }
        return names
    }

    /// Scans the next record into `scanner`; false at the end of the file.
    private mutating func scanRecord() throws(DelimitedTextError) -> Bool {
        scanner.startRecord()
        while true {
            if position == chunk.count {
                guard let bytes = try source.read(upTo: chunkSize) else { break }
                chunk = bytes
                position = 0
            }
            let (consumed, ended) = chunk.withUnsafeBufferPointer { [position] buffer in
                scanner.feed(UnsafeBufferPointer(rebasing: buffer[position...]))
            }
            position += consumed
            if ended { return true }
        }
        guard scanner.state != .quoted else {
            throw DelimitedTextError(line: scanner.recordLine, message: "a quoted field is not closed",
                                     raw: scanner.rawText)
        }
        return scanner.endRecord()
    }

    /// The scanned record, checked to have `width` fields unless that is nil.
    private func finishedRecord(width: Int?) -> Result<DelimitedRecord, DelimitedTextError> {
        let line = scanner.recordLine
        func failure(_ message: String) -> Result<DelimitedRecord, DelimitedTextError> {
            .failure(DelimitedTextError(line: line, message: message))
        }
        if let field = scanner.longField {
            return failure("field \(field) is longer than \(ByteSource.sizeText(maxFieldBytes))")
        }
        if let width, scanner.fieldCount != width {
            let message = "\(scanner.fieldCount) field\(scanner.fieldCount == 1 ? "" : "s"), the header has \(width)"
            return .failure(DelimitedTextError(line: line, message: message,
                                               raw: scanner.overflowed ? nil : scanner.decoded()?.raw))
        }
        if scanner.overflowed {
            let limit = ByteSource.sizeText(scanner.rawLimit)
            return failure("the \(width == nil ? "header" : "record") is longer than \(limit)")
        }
        guard let (raw, fields) = scanner.decoded() else { return failure("not valid \(encoding.name)") }
        return .success(DelimitedRecord(line: line, fields: fields, raw: raw))
    }

    private static let sampleSize = 1 << 16

    private static func detectEncoding(_ sample: ArraySlice<UInt8>, whole: Bool) throws(DelimitedTextError)
        -> TextEncoding
    {
        if sample.starts(with: [0xFF, 0xFE]) || sample.starts(with: [0xFE, 0xFF]) {
            throw DelimitedTextError(line: nil, message: "this is UTF-16 text; save it as CSV (UTF-8) instead")
        }
        let controls = sample.count(where: { ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D) || $0 == 0x7F })
        let notText = DelimitedTextError(line: nil, message: "this is not a text file (CSV or TSV)")
        guard !sample.contains(0), controls * 100 <= sample.count else { throw notText }
        // A sample cut from a longer file may end inside a character of up to four bytes.
        func decodes(_ isValid: (ArraySlice<UInt8>) -> Bool) -> Bool {
            (0...(whole ? 0 : Swift.min(3, sample.count - 1))).contains { isValid(sample.dropLast($0)) }
        }
        if decodes({ String(validating: $0, as: UTF8.self) != nil }) { return .utf8 }
        if decodes({ $0.withUnsafeBufferPointer(GB18030.decode) != nil }) { return .gb18030 }
        throw notText
    }

    private static func detectDelimiter(_ sample: ArraySlice<UInt8>, encoding: TextEncoding) -> UInt8 {
        let candidates = Array(",\t;|".utf8)
        var counts = [0, 0, 0, 0]
        var quoted = false, afterLead = false, hasContent = false
        for byte in sample {
            if afterLead {
                afterLead = false
                if RecordScanner.isGB18030Trail(byte) { continue }
            }
            afterLead = encoding == .gb18030 && (0x81...0xFE).contains(byte)
            if byte == .quote {
                quoted.toggle()
            } else if byte == .lineFeed, !quoted {
                if hasContent { break }
                counts = [0, 0, 0, 0]
            } else if !quoted, let index = candidates.firstIndex(of: byte) {
                counts[index] += 1
            }
            hasContent = hasContent || (!RecordScanner.isBlank(byte) && byte != .lineFeed)
        }
        let most = counts.max() ?? 0
        return most == 0 ? UInt8(ascii: ",") : candidates[counts.firstIndex(of: most) ?? 0]
    }
}
