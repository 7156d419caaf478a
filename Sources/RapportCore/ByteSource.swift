import Foundation

/// The bytes an import reader reads, a chunk at a time: a file, or data already in memory (an upload, a test).
/// Shared by `DelimitedTextReader` and `JSONLinesReader`.
enum ByteSource {
    case file(FileHandle)
    case memory(Data, next: Data.Index)

    /// Opens the file at `path` for reading.
    /// - Throws: `DelimitedTextError` when there is no file, it is a directory, or it cannot be read.
    static func opening(_ path: String) throws(DelimitedTextError) -> ByteSource {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DelimitedTextError(line: nil, message: "there is no file \(path)")
        }
        // Opening a directory succeeds on Linux; only reading it fails, with a less helpful message.
        guard !isDirectory.boolValue else { throw DelimitedTextError(line: nil, message: "\(path) is a directory") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw DelimitedTextError(line: nil, message: "cannot read \(path)")
        }
        return .file(handle)
    }

    /// The next at most `count` bytes; nil at the end.
    mutating func read(upTo count: Int) throws(DelimitedTextError) -> [UInt8]? {
        switch self {
        case .file(let handle):
            do {
                guard let data = try handle.read(upToCount: count), !data.isEmpty else { return nil }
                return [UInt8](data)
            } catch {
                throw DelimitedTextError(line: nil, message: "reading the file failed: \(error.localizedDescription)")
            }
        case .memory(let data, let next):
            guard next < data.endIndex else { return nil }
            let end = next + min(count, data.endIndex - next)
            self = .memory(data, next: end)
            return [UInt8](data[next..<end])
        }
    }

    /// A byte count as limits are spoken of: `1 MiB`, `1.5 MiB`, `64 KiB`, `100 bytes`.
    static func sizeText(_ bytes: Int) -> String {
        if bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes > 1 << 20 { return String(format: "%.1f MiB", Double(bytes) / Double(1 << 20)) }
        if bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }
}
