import Foundation
import Testing
@testable import RapportCore

@Suite("JSON Lines reader")
struct JSONLinesReaderTests {
    /// Each result of reading `bytes`: `2 {"a":1}` for an object on line 2, the error's description for an error.
    private func outcomes(_ bytes: [UInt8], chunkSize: Int = 1 << 20, maxLineBytes: Int = 1 << 24) throws
        -> [String]
    {
        try JSONLinesReader(data: Data(bytes), chunkSize: chunkSize, maxLineBytes: maxLineBytes).map { result in
            switch result {
            case .success(let line): "\(line.line) \(line.value.encodedText())"
            case .failure(let error): error.description
            }
        }
    }

    private func outcomes(_ text: String, chunkSize: Int = 1 << 20, maxLineBytes: Int = 1 << 24) throws -> [String] {
        try outcomes(Array(text.utf8), chunkSize: chunkSize, maxLineBytes: maxLineBytes)
    }

    @Test("objects one per line, with their line numbers and text")
    func objects() throws {
        let reader = try JSONLinesReader(data: Data("{\"name\":\"张三\",\"tags\":[\"vip\"]}\n{\"name\":\"李四\"}\n".utf8))
        #expect(Array(reader) == [
            .success(JSONLine(line: 1, raw: #"{"name":"张三","tags":["vip"]}"#, value: ["name": "张三", "tags": ["vip"]])),
            .success(JSONLine(line: 2, raw: #"{"name":"李四"}"#, value: ["name": "李四"])),
        ])
    }

    @Test("a byte order mark, CRLF line breaks, blank lines and a last line without a break")
    func layout() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("{\"a\":1}\r\n\r\n  \t \r\n{\"a\":2}  \r\n\n{\"a\":3}".utf8)
        #expect(try outcomes(bytes) == [#"1 {"a":1}"#, #"4 {"a":2}"#, #"6 {"a":3}"#])
        let raws = try JSONLinesReader(data: Data(bytes)).map { try $0.get().raw }
        #expect(raws == [#"{"a":1}"#, #"{"a":2}  "#, #"{"a":3}"#])
        // Files joined with `cat` have a byte order mark at the start of the second.
        let joined = try JSONLinesReader(data: Data(Array("{}\n".utf8) + [0xEF, 0xBB, 0xBF] + Array("{}\n".utf8)))
        #expect(try joined.map { try $0.get().raw } == ["{}", "{}"])
    }

    @Test("a bad line is reported with its number and the lines after it are read")
    func badLines() throws {
        let text = "{\"a\":1}\n{\"a\":2}\n{\"a\":3\n{\"a\":4}\n[1,2]\n42\n\"text\"\nnull\n{\"a\":\n5}\n{\"a\":6}\n"
        #expect(try outcomes(text) == [
            #"1 {"a":1}"#, #"2 {"a":2}"#, "line 3: not valid JSON", #"4 {"a":4}"#,
            "line 5: expected a JSON object, got array", "line 6: expected a JSON object, got number",
            "line 7: expected a JSON object, got string", "line 8: expected a JSON object, got null",
            "line 9: not valid JSON", "line 10: not valid JSON", #"11 {"a":6}"#,
        ])
    }

    @Test("invalid UTF-8 rejects its line only")
    func invalidUTF8() throws {
        let bytes = Array("{\"a\":1}\n{\"a\":\"caf".utf8) + [0xE9] + Array("\"}\n{\"a\":3}\n".utf8)
        #expect(try outcomes(bytes) == [#"1 {"a":1}"#, "line 2: not valid UTF-8", #"3 {"a":3}"#])
    }

    @Test("a line over the limit is rejected without being held, and the lines after it are read")
    func longLine() throws {
        let huge = "{\"note\":\"" + String(repeating: "x", count: 10_000_000) + "\"}"
        #expect(try outcomes("{\"a\":1}\n\(huge)\n{\"a\":3}\n", chunkSize: 4096, maxLineBytes: 1 << 20) == [
            #"1 {"a":1}"#, "line 2: the line is longer than 1 MiB", #"3 {"a":3}"#,
        ])
        #expect(try outcomes("{\"a\":12}\r\n{\"a\":123}\r\n{\"a\":1234}\n", maxLineBytes: 8) == [
            #"1 {"a":12}"#, "line 2: the line is longer than 8 bytes", "line 3: the line is longer than 8 bytes",
        ])
        // Blanks past the limit are still a blank line.
        #expect(try outcomes(String(repeating: " ", count: 100) + "\n{}\n", chunkSize: 7, maxLineBytes: 10)
            == ["2 {}"])
    }

    @Test("any chunk size gives the same lines")
    func chunkSizes() throws {
        let text = "\u{FEFF}{\"name\":\"王五\",\"note\":\"说 \\\"你好\\\"\"}\r\n\r\n"
            + "{\"a\":[1,{\"b\":null}]}\n{bad\n{\"c\":true}"
        let whole = try outcomes(text)
        #expect(whole.count == 4)
        for chunkSize in 1...9 {
            #expect(try outcomes(text, chunkSize: chunkSize) == whole)
        }
    }

    @Test("a file read from disk gives what the same bytes in memory give")
    func file() throws {
        let text = (1...5000).map { "{\"n\":\($0),\"name\":\"客户\($0)\"}" }.joined(separator: "\n") + "\n"
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID()).jsonl")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let fromFile = Array(try JSONLinesReader(fileAt: url.path, chunkSize: 1000))
        #expect(fromFile.count == 5000)
        #expect(fromFile == Array(try JSONLinesReader(data: Data(text.utf8))))
    }

    @Test("empty input is no lines; UTF-16, a missing file and a directory are errors")
    func fileErrors() throws {
        for text in ["", "\n\n", "\u{FEFF}", "  \r\n"] {
            #expect(try outcomes(text) == [])
        }
        let utf16: [UInt8] = [0xFF, 0xFE] + "{\"a\":1}\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(throws: DelimitedTextError(line: nil, message: "this is UTF-16 text; save it as UTF-8 instead")) {
            try JSONLinesReader(data: Data(utf16))
        }
        #expect(throws: DelimitedTextError(line: nil, message: "there is no file /nonexistent/customers.jsonl")) {
            try JSONLinesReader(fileAt: "/nonexistent/customers.jsonl")
        }
        let directory = FileManager.default.temporaryDirectory.path
        #expect(throws: DelimitedTextError(line: nil, message: "\(directory) is a directory")) {
            try JSONLinesReader(fileAt: directory)
        }
    }
}
