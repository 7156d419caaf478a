import Foundation
import Testing
@testable import RapportServer

@Suite("multipart/form-data read as a stream")
struct MultipartStreamTests {
    static let body = Array(("preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"source\"\r\n\r\nerp\r\n"
        + "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\nContent-Type: text/csv\r\n\r\n"
        + "姓名,手机\r\n--X not a boundary\r\n\r\n--XyZ--\r\nepilogue").utf8)

    /// Everything a body says, fed in chunks of `size` bytes.
    static func read(_ body: [UInt8], chunk size: Int) throws -> (parts: [[String: String]], contents: [[UInt8]], done: Bool) {
        var stream = MultipartStream(boundary: "XyZ")
        var parts: [[String: String]] = [], contents: [[UInt8]] = []
        var offset = 0
        while offset < body.count {
            try stream.feed(body[offset..<min(offset + size, body.count)]) { event in
                switch event {
                case .part(let headers): parts.append(headers); contents.append([])
                case .content(let bytes): contents[contents.count - 1] += bytes
                case .partEnd: break
                }
            }
            offset += size
        }
        return (parts, contents, stream.isComplete)
    }

    @Test("parts, headers and contents come out the same however the body is cut into chunks")
    func chunking() throws {
        for size in [1, 2, 3, 5, 7, 16, 64, 1000] {
            let (parts, contents, done) = try Self.read(Self.body, chunk: size)
            #expect(done, "chunk \(size)")
            #expect(parts.map { $0["content-disposition"] } == ["form-data; name=\"source\"",
                                                                 "form-data; name=\"file\"; filename=\"a.csv\""])
            #expect(parts.last?["content-type"] == "text/csv")
            #expect(contents.map { String(decoding: $0, as: UTF8.self) }
                == ["erp", "姓名,手机\r\n--X not a boundary\r\n"], "chunk \(size)")
        }
    }

    @Test("malformed bodies are errors, never a crash: bytes above 127 in a header name, no colon, no end")
    func malformed() throws {
        let highByte = Array("--XyZ\r\n".utf8) + [0xFF, 0xFE] + Array(": x\r\n\r\nbody\r\n--XyZ--".utf8)
        let (parts, _, done) = try Self.read(highByte, chunk: 4)
        #expect(parts.count == 1 && done)
        #expect(throws: MultipartStream.Malformed.self) {
            _ = try Self.read(Array("--XyZ\r\nno colon here\r\n\r\nx\r\n--XyZ--".utf8), chunk: 8)
        }
        #expect(throws: MultipartStream.Malformed.self) { _ = try Self.read(Array("--XyZ junk".utf8), chunk: 3) }
        #expect(try Self.read(Array("--XyZ\r\n\r\nno end".utf8), chunk: 3).done == false)
        #expect(throws: MultipartStream.Malformed.self) {
            _ = try Self.read(Array("--XyZ\r\n".utf8) + Array(repeating: 0x61, count: 20_000), chunk: 4096)
        }
    }
}
