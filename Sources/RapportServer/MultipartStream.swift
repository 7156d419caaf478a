import Foundation

/// A streaming reader of `multipart/form-data` (RFC 7578) bodies: fed the body's chunks as they arrive, it reports
/// each part's headers, its content in pieces, and its end, holding no more than a boundary's length of a part in
/// memory. Written here rather than taken from MultipartKit, whose parser traps on a header name with a byte above
/// 127 — a request could stop the server.
struct MultipartStream {
    /// What a body says, in order.
    enum Event {
        /// A part begins with these headers (names lower-cased).
        case part(headers: [String: String])
        /// Some of the current part's content.
        case content([UInt8])
        /// The current part ended.
        case partEnd
    }

    /// Why a body is not multipart data.
    struct Malformed: Error {
        let message: String
    }

    private enum State {
        case preamble, afterBoundary, headers, content, done
    }

    /// `CRLF--boundary`: what ends a part's content.
    private let delimiter: [UInt8]
    private var state = State.preamble
    private var pending: [UInt8]
    /// The most bytes of one part's headers.
    static let maxHeaderBytes = 16 << 10

    /// A reader for the body whose `Content-Type` has this boundary.
    init(boundary: String) {
        delimiter = Array("\r\n--\(boundary)".utf8)
        // The first boundary may begin the body; a line break before it makes it look like all the others.
        pending = [0x0D, 0x0A]
    }

    /// Whether the closing boundary has been read.
    var isComplete: Bool {
        if case .done = state { return true }
        return false
    }

    /// Reads a chunk and hands each event to `handle`.
    mutating func feed(_ bytes: some Sequence<UInt8>, _ handle: (Event) throws -> Void) throws {
        pending.append(contentsOf: bytes)
        var start = 0
        defer { pending.removeFirst(start) }
        while true {
            switch state {
            case .preamble:
                guard let found = Self.find(delimiter, in: pending, from: start) else {
                    start = max(start, pending.count - delimiter.count + 1)
                    return
                }
                start = found + delimiter.count
                state = .afterBoundary
            case .afterBoundary:
                guard pending.count - start >= 2 else { return }
                if pending[start] == 0x2D, pending[start + 1] == 0x2D {
                    state = .done
                    start = pending.count
                    return
                }
                guard pending[start] == 0x0D, pending[start + 1] == 0x0A else {
                    throw Malformed(message: "a boundary is followed by neither a line break nor --")
                }
                start += 2
                state = .headers
            case .headers:
                guard let end = Self.find([0x0D, 0x0A, 0x0D, 0x0A], in: pending, from: start - 2) else {
                    if pending.count - start > Self.maxHeaderBytes {
                        throw Malformed(message: "a part's headers are longer than 16 KiB")
                    }
                    return
                }
                var headers: [String: String] = [:]
                let text = end > start ? String(decoding: pending[start..<end], as: UTF8.self) : ""
                for line in text.split(separator: "\r\n") {
                    guard let colon = line.firstIndex(of: ":") else {
                        throw Malformed(message: "a part's header line has no colon")
                    }
                    headers[line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()] =
                        line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                try handle(.part(headers: headers))
                start = end + 4
                state = .content
            case .content:
                if let found = Self.find(delimiter, in: pending, from: start) {
                    if found > start { try handle(.content(Array(pending[start..<found]))) }
                    try handle(.partEnd)
                    start = found + delimiter.count
                    state = .afterBoundary
                } else {
                    // The end may hold the start of the delimiter: keep it for the next chunk.
                    let safe = pending.count - delimiter.count + 1
                    if safe > start {
                        try handle(.content(Array(pending[start..<safe])))
                        start = safe
                    }
                    return
                }
            case .done:
                start = pending.count
                return
            }
        }
    }

    /// Where `needle` first starts in `haystack` at or after `from`.
    private static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var index = max(from, 0)
        let last = haystack.count - needle.count
        while index <= last {
            guard let candidate = haystack[index...last].firstIndex(of: first) else { return nil }
            if haystack[candidate..<(candidate + needle.count)].elementsEqual(needle) { return candidate }
            index = candidate + 1
        }
        return nil
    }
}
