import Foundation

/// One line of a JSON Lines file: a JSON object.
public struct JSONLine: Equatable, Sendable {
    /// The physical line, 1-based; blank lines count.
    public let line: Int
    /// The line as the file has it, without its line break: for reports of rejected lines.
    public let raw: String
    /// The object.
    public let value: JSONValue

    /// Creates a line.
    public init(line: Int, raw: String, value: JSONValue) {
        self.line = line
        self.raw = raw
        self.value = value
    }
}

/// Reads JSON Lines (one JSON object per line, UTF-8) one line at a time, in memory bounded by the chunk and line
/// sizes however large the file. A UTF-8 byte order mark at the start of a line is skipped, CRLF line breaks and
/// blank lines are accepted.
/// A line that is not valid UTF-8, not JSON, not an object or too long is reported with its number and skipped;
/// the lines after it are read.
///
/// Reading is single-pass: copies of a reader made from a file share its position.
public struct JSONLinesReader: Sequence, IteratorProtocol {
    private var source: ByteSource
    private let chunkSize: Int
    private let maxLineBytes: Int
    private let decoder = JSONDecoder()
    private var chunk: [UInt8] = []
    private var position = 0
    /// The current line's bytes, unless it is longer than `maxLineBytes`.
    private var buffer: [UInt8] = []
    private var overflowed = false
    /// Whether an overflowed line has anything but blanks.
    private var hasContent = false
    private var lineNumber = 0
    private var finished = false

    /// Opens a file.
    /// - Parameters:
    ///   - chunkSize: How many bytes to read from the file at a time.
    ///   - maxLineBytes: The longest line accepted, in bytes without its line break; a longer one is an error. A line
    ///     holds a whole record, so the default is sixteen times the CSV reader's longest field.
    /// - Throws: When the file does not exist, cannot be read or is UTF-16.
    public init(fileAt path: String, chunkSize: Int = 1 << 20, maxLineBytes: Int = 1 << 24)
        throws(DelimitedTextError)
    {
        try self.init(source: try .opening(path), chunkSize: chunkSize, maxLineBytes: maxLineBytes)
    }

    /// Reads bytes already in memory, such as an upload, as `init(fileAt:)` reads a file.
    /// - Throws: When the bytes are UTF-16.
    public init(data: Data, chunkSize: Int = 1 << 20, maxLineBytes: Int = 1 << 24) throws(DelimitedTextError) {
        try self.init(source: .memory(data, next: data.startIndex), chunkSize: chunkSize, maxLineBytes: maxLineBytes)
    }

    private init(source: ByteSource, chunkSize: Int, maxLineBytes: Int) throws(DelimitedTextError) {
        precondition(chunkSize > 0 && maxLineBytes > 0, "chunkSize and maxLineBytes must be positive")
        self.source = source
        self.chunkSize = chunkSize
        self.maxLineBytes = maxLineBytes
        // Two bytes tell UTF-16, which would otherwise fail line by line as "not valid JSON".
        while chunk.count < 2, let bytes = try self.source.read(upTo: chunkSize) {
            chunk += bytes
        }
        if chunk.starts(with: [0xFF, 0xFE]) || chunk.starts(with: [0xFE, 0xFF]) {
            throw DelimitedTextError(line: nil, message: "this is UTF-16 text; save it as UTF-8 instead")
        }
    }

    /// The next object, or why the next non-blank line was skipped; nil at the end of the file.
    ///
    /// After a failure to read the file, the reading ends.
    public mutating func next() -> Result<JSONLine, DelimitedTextError>? {
        while !finished {
            do {
                guard try scanLine() else {
                    finished = true
                    return nil
                }
            } catch {
                finished = true
                return .failure(error)
            }
            lineNumber += 1
            if let result = finishedLine() { return result }
        }
        return nil
    }

    /// Reads the next line into `buffer` (or past it, when too long); false at the end of the file.
    private mutating func scanLine() throws(DelimitedTextError) -> Bool {
        buffer.removeAll(keepingCapacity: buffer.capacity <= chunkSize)
        overflowed = false
        hasContent = false
        var started = false
        while true {
            if position == chunk.count {
                guard let bytes = try source.read(upTo: chunkSize) else { return started }
                chunk = bytes
                position = 0
            }
            started = true
            let end = chunk[position...].firstIndex(of: .lineFeed)
            take(chunk[position..<(end ?? chunk.count)])
            if let end {
                position = end + 1
                return true
            }
            position = chunk.count
        }
    }

    /// Adds bytes to the line, up to `maxLineBytes` and the carriage return of a CRLF; past that, notes only whether
    /// the line has content.
    private mutating func take(_ run: ArraySlice<UInt8>) {
        if !overflowed, buffer.count + run.count > maxLineBytes + 1 {
            overflowed = true
            hasContent = buffer.contains { !RecordScanner.isBlank($0) }
            buffer.removeAll()
        }
        if overflowed {
            hasContent = hasContent || run.contains { !RecordScanner.isBlank($0) }
        } else {
            buffer.append(contentsOf: run)
        }
    }

    /// The scanned line as an object or an error; nil for a blank line.
    private func finishedLine() -> Result<JSONLine, DelimitedTextError>? {
        func failure(_ message: String) -> Result<JSONLine, DelimitedTextError> {
            .failure(DelimitedTextError(line: lineNumber, message: message,
                                        raw: overflowed ? "" : String(decoding: buffer, as: UTF8.self)))
        }
        if overflowed {
            return hasContent ? failure("the line is longer than \(ByteSource.sizeText(maxLineBytes))") : nil
        }
        var bytes = buffer[...]
        // Files joined with `cat` have a byte order mark at the start of a line past the first.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if bytes.last == .carriageReturn { bytes = bytes.dropLast() }
        if bytes.count > maxLineBytes { return failure("the line is longer than \(ByteSource.sizeText(maxLineBytes))") }
        guard bytes.contains(where: { !RecordScanner.isBlank($0) }) else { return nil }
        guard let raw = String(validating: bytes, as: UTF8.self) else { return failure("not valid UTF-8") }
        let value: JSONValue
        do {
            value = try decoder.decode(JSONValue.self, from: Data(bytes))
        } catch {
            return .failure(DelimitedTextError(line: lineNumber, message: "not valid JSON", raw: raw))
        }
        guard case .object = value else {
            let message = "expected a JSON object, got \(value.typeName)"
            return .failure(DelimitedTextError(line: lineNumber, message: message, raw: raw))
        }
        return .success(JSONLine(line: lineNumber, raw: raw, value: value))
    }
}
