import Foundation
import Testing
@testable import RapportCore

@Suite("Delimited text reader")
struct DelimitedTextReaderTests {
    /// "姓名,手机\n张三,13800138000\n" in GB18030.
    private let gb18030Sample: [UInt8] = [
        0xD0, 0xD5, 0xC3, 0xFB, 0x2C, 0xCA, 0xD6, 0xBB, 0xFA, 0x0A, 0xD5, 0xC5, 0xC8, 0xFD, 0x2C, 0x31, 0x33, 0x38,
        0x30, 0x30, 0x31, 0x33, 0x38, 0x30, 0x30, 0x30, 0x0A,
    ]

    /// Each result of reading `bytes`: `2 ["a", "b"]` for a record on line 2, the error's description for an error.
    private func outcomes(_ bytes: [UInt8], chunkSize: Int = 1 << 20, maxFieldBytes: Int = 1 << 20) throws
        -> [String]
    {
        try DelimitedTextReader(data: Data(bytes), chunkSize: chunkSize, maxFieldBytes: maxFieldBytes).map { result in
            switch result {
            case .success(let record): "\(record.line) \(record.fields)"
            case .failure(let error): error.description
            }
        }
    }

    private func outcomes(_ text: String) throws -> [String] {
        try outcomes(Array(text.utf8))
    }

    private func notText(_ message: String = "this is not a text file (CSV or TSV)") -> DelimitedTextError {
        DelimitedTextError(line: nil, message: message)
    }

    @Test("UTF-8 without a byte order mark")
    func utf8() throws {
        let reader = try DelimitedTextReader(data: Data("姓名,手机\n张三,13800138000\n".utf8))
        #expect(reader.encoding == .utf8)
        #expect(reader.delimiter == ",")
        #expect(reader.header == ["姓名", "手机"])
        #expect(Array(reader) == [.success(DelimitedRecord(line: 2, fields: ["张三", "13800138000"],
                                                           raw: "张三,13800138000"))])
        let upload = Data("--boundary\nname\nZhang\n".utf8)
        #expect(try DelimitedTextReader(data: upload[11...]).map { try $0.get().fields } == [["Zhang"]])
    }

    @Test("UTF-8 with a byte order mark, which is not part of the first name")
    func utf8WithBOM() throws {
        for (text, header) in [("姓名,手机\n张三,13800138000\n", ["姓名", "手机"]), ("name\nZhang\n", ["name"])] {
            let reader = try DelimitedTextReader(data: Data([0xEF, 0xBB, 0xBF] + Array(text.utf8)))
            #expect(reader.encoding == .utf8)
            #expect(reader.header == header)
            #expect(Array(reader).count == 1)
        }
    }

    @Test("GB18030, as Excel saves CSV on Chinese Windows")
    func gb18030() throws {
        let reader = try DelimitedTextReader(data: Data(gb18030Sample))
        #expect(reader.encoding == .gb18030)
        #expect(reader.header == ["姓名", "手机"])
        #expect(Array(reader) == [.success(DelimitedRecord(line: 2, fields: ["张三", "13800138000"],
                                                           raw: "张三,13800138000"))])
        // "姓名,城市\n李四,\"上海,浦东\"\n"
        #expect(try outcomes([0xD0, 0xD5, 0xC3, 0xFB, 0x2C, 0xB3, 0xC7, 0xCA, 0xD0, 0x0A, 0xC0, 0xEE, 0xCB, 0xC4, 0x2C,
                              0x22, 0xC9, 0xCF, 0xBA, 0xA3, 0x2C, 0xC6, 0xD6, 0xB6, 0xAB, 0x22, 0x0A])
                == [#"2 ["李四", "上海,浦东"]"#])
    }

    @Test("a GB18030 character whose second byte is a vertical bar does not split a bar-delimited field")
    func gb18030BarInCharacter() throws {
        // "名称|备注\n", then "東莞|x\n", where 東 is 96 7C.
        let header: [UInt8] = [0xC3, 0xFB, 0xB3, 0xC6, 0x7C, 0xB1, 0xB8, 0xD7, 0xA2, 0x0A]
        let row: [UInt8] = [0x96, 0x7C, 0xDD, 0xB8, 0x7C, 0x78, 0x0A]
        let reader = try DelimitedTextReader(data: Data(header + row))
        #expect(reader.delimiter == "|")
        #expect(try outcomes(header + row) == [#"2 ["東莞", "x"]"#])
        // Past the 64 KiB sample, in chunks that cut between the two bytes of 東.
        let padding = Array(String(repeating: "a|b\n", count: 20_000).utf8)
        for chunkSize in 1...4 {
            #expect(try outcomes(header + padding + row, chunkSize: chunkSize).last == #"20002 ["東莞", "x"]"#)
        }
    }

    @Test("every GB18030 character reads as Foundation's converter reads it, and what it rejects is rejected")
    func gb18030CodeSpace() throws {
        let twoByte: [[UInt8]] = (UInt8(0x81)...0xFE).map { first in
            (UInt8(0x40)...0xFE).filter { $0 != 0x7F }.flatMap { [first, $0] }
        }
        func fourByte(_ index: Int) -> [UInt8] {
            [UInt8(0x81 + index / 12600), UInt8(0x30 + index / 1260 % 10), UInt8(0x81 + index / 10 % 126),
             UInt8(0x30 + index % 10)]
        }
        // The four-byte codes of the Basic Multilingual Plane, 0 to 39,419, then of the other planes from 189,000.
        let basic: [[UInt8]] = stride(from: 0, to: 39_420, by: 1260).map { row in
            (row..<min(row + 1260, 39_420)).flatMap(fourByte)
        }
        let others: [[UInt8]] = stride(from: 189_000, to: 189_000 + 0x10_0000, by: 4099).map(fourByte)
        let invalid: [[UInt8]] = [fourByte(39_420), fourByte(188_999), fourByte(189_000 + 0x10_0000), [0x81, 0x2C]]
        let rows = twoByte + basic + others + [fourByte(189_000 + 0xF_FFFF), [0x80]] + invalid
        let bytes = Array("text\n".utf8) + rows.flatMap { $0 + [0x0A] }
        let foundation = String.Encoding(rawValue: 0x8000_0632)
        let expected = rows.map { String(bytes: $0, encoding: foundation).map { [$0] } }
        #expect(expected.suffix(4) == [nil, nil, nil, nil])
        let read = try DelimitedTextReader(data: Data(bytes)).map { try? $0.get().fields }
        #expect(read.count == expected.count)
        for (index, (read, expected)) in zip(read, expected).enumerated() where read != expected {
            Issue.record("row \(index): \(String(describing: read)) != \(String(describing: expected))")
        }
    }

    @Test("the delimiter is the one occurring most outside quotes in the header line", arguments: [
        ("a\tb\tc\n1\t2\t3\n", "\t"), ("a;b;c\n1;2;3\n", ";"), ("a|b|c\n1|2|3\n", "|"), ("a,b;c;d\n1,2;3;4\n", ";"),
        ("\"x;y;z\",b\n1,2\n", ","), ("\"x,y,z\";b\n1;2\n", ";"), ("\n  \na|b\n1|2\n", "|"), ("a,b;c\n1,2;3\n", ","),
        ("name\nZhang\n", ","),
    ])
    func delimiter(text: String, expected: Character) throws {
        let reader = try DelimitedTextReader(data: Data(text.utf8))
        #expect(reader.delimiter == expected)
        #expect(Array(reader).allSatisfy { (try? $0.get().fields.count) == reader.header.count })
    }

    @Test("quoted fields hold delimiters, doubled quotes and line breaks; later records keep their line numbers")
    func quotes() throws {
        let text = "name,note,city\n\"Li, Wei\",\"said \"\"hi\"\"\",Beijing\n\"Wang\",\"two\nlines\n\",Shanghai\n"
            + "Zhao,x,y\n"
        let expected = [#"2 ["Li, Wei", "said \"hi\"", "Beijing"]"#, #"3 ["Wang", "two\nlines\n", "Shanghai"]"#,
                        #"6 ["Zhao", "x", "y"]"#]
        #expect(try outcomes(text) == expected)
        let crlf = text.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(try outcomes(crlf) == expected)
        let records = try DelimitedTextReader(data: Data(crlf.utf8)).compactMap { try? $0.get() }
        #expect(records.map(\.raw) == [
            "\"Li, Wei\",\"said \"\"hi\"\"\",Beijing", "\"Wang\",\"two\r\nlines\r\n\",Shanghai", "Zhao,x,y",
        ])
    }

    @Test("blank lines are skipped but counted; unquoted values are trimmed, quoted ones are not")
    func blankLinesAndTrimming() throws {
        #expect(try outcomes("a,b\n\n   \r\n  x , \" y \" \n\t\n1,2") == [#"4 ["x", " y "]"#, #"6 ["1", "2"]"#])
        #expect(try outcomes("a\tb\tc\n1\t\t\n\t\t\n\t2\t3\n") == [#"2 ["1", "", ""]"#, #"4 ["", "2", "3"]"#])
        #expect(try outcomes("a,b\n,\n") == [#"2 ["", ""]"#])
    }

    @Test("a ragged record is reported with its line and the records after it are read")
    func ragged() throws {
        #expect(try outcomes("a,b,c\n1,2,3\n1,2\n1,2,3,4\n\"x\ny\"\n4,5,6\n") == [
            #"2 ["1", "2", "3"]"#, "line 3: 2 fields, the header has 3", "line 4: 4 fields, the header has 3",
            "line 5: 1 field, the header has 3", #"7 ["4", "5", "6"]"#,
        ])
        var reader = try DelimitedTextReader(data: Data("a,b,c\n1,\"2,x\",3,4\n".utf8))
        #expect(reader.next() == .failure(DelimitedTextError(line: 2, message: "4 fields, the header has 3",
                                                             raw: #"1,"2,x",3,4"#)))
    }

    @Test("a record that cannot be read keeps its text for the report of rejected rows")
    func rejectedRecordText() throws {
        var reader = try DelimitedTextReader(data: Data("姓名,手机\n甲,138,多余\r\n乙\n丙,139\n".utf8))
        #expect(reader.next() == .failure(DelimitedTextError(line: 2, message: "3 fields, the header has 2",
                                                             raw: "甲,138,多余")))
        #expect(reader.next() == .failure(DelimitedTextError(line: 3, message: "1 field, the header has 2", raw: "乙")))
        #expect((try? reader.next()?.get())?.raw == "丙,139")
    }

    @Test("an unclosed quote swallows the rest of the file, which is reported, and the reading ends")
    func unclosedQuote() throws {
        #expect(try outcomes("a,b\n1,2\n\"3,4\n5,6\n") == [#"2 ["1", "2"]"#, "line 3: a quoted field is not closed"])
        let long = "a,b\n1,\"" + String(repeating: "x,y\n", count: 100_000)
        #expect(try outcomes(Array(long.utf8), maxFieldBytes: 1024) == ["line 2: a quoted field is not closed"])
        var reader = try DelimitedTextReader(data: Data("a\n\"".utf8))
        #expect(reader.next() == .failure(DelimitedTextError(line: 2, message: "a quoted field is not closed",
                                                             raw: "\"")))
        #expect(reader.next() == nil)
    }

    @Test("a field over the limit is rejected and the records after it are read")
    func longField() throws {
        let huge = String(repeating: "x", count: 10_000_000)
        #expect(try outcomes("id,note,city\n1,short,x\n2,\(huge),y\n3,after,z\n") == [
            #"2 ["1", "short", "x"]"#, "line 3: field 2 is longer than 1 MiB", #"4 ["3", "after", "z"]"#,
        ])
        let quoted = "\"" + String(repeating: "line\n", count: 300_000) + "\""
        #expect(try outcomes("id,note\n1,\(quoted)\n2,after\n") == [
            "line 2: field 2 is longer than 1 MiB", #"300003 ["2", "after"]"#,
        ])
        #expect(try outcomes(Array("a,b\n1,12345\n123456,2\n".utf8), maxFieldBytes: 5) == [
            #"2 ["1", "12345"]"#, "line 3: field 1 is longer than 5 bytes",
        ])
    }

    @Test("a record or header longer than its fields allow is rejected, without holding it all")
    func longRecord() throws {
        // Blanks before a value are not part of it, so only the record's limit stops them: 2 × (2 × 1000 + 3) bytes.
        let padding = String(repeating: " ", count: 10_000)
        #expect(try outcomes(Array("a,b\n1,\(padding)x\n2,y\n".utf8), maxFieldBytes: 1000) == [
            "line 2: the record is longer than 4006 bytes", #"3 ["2", "y"]"#,
        ])
        let names = (0..<200_000).map { "c\($0)" }.joined(separator: ",")
        #expect(throws: DelimitedTextError(line: 1, message: "the header is longer than 1 MiB")) {
            try DelimitedTextReader(data: Data("\(names)\n".utf8))
        }
    }

    @Test("bytes not valid in the encoding after the first 64 KiB reject their record only")
    func invalidBytes() throws {
        let rows = String(repeating: "1,ok\n", count: 15_000)
        let utf8 = Array("a,b\n\(rows)".utf8) + [0x32, 0x2C, 0x63, 0x61, 0x66, 0xE9, 0x0A] + Array("3,ok\n".utf8)
        #expect(try outcomes(utf8).suffix(2) == ["line 15002: not valid UTF-8", #"15003 ["3", "ok"]"#])
        let gb18030 = gb18030Sample + Array(rows.utf8) + [0x32, 0x2C, 0xFF, 0x0A] + Array("3,ok\n".utf8)
        #expect(try outcomes(gb18030).suffix(2) == ["line 15003: not valid GB18030", #"15004 ["3", "ok"]"#])
    }

    @Test("a UTF-8 character cut by the end of the 64 KiB sample does not make the file GB18030")
    func characterAcrossSample() throws {
        // The header takes 5 bytes, so the sample ends 2 bytes into the 21,844th 一.
        let value = String(repeating: "一", count: 30_000)
        let reader = try DelimitedTextReader(data: Data("note\n\(value)\n".utf8), chunkSize: 1000)
        #expect(reader.encoding == .utf8)
        #expect(Array(reader) == [.success(DelimitedRecord(line: 2, fields: [value], raw: value))])
    }

    @Test("what is not text is refused")
    func binary() {
        // The start of an .xlsx file, which is a ZIP archive.
        let zip: [UInt8] = [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00] + Array("[Content_Types]".utf8)
        #expect(throws: notText()) { try DelimitedTextReader(data: Data(zip)) }
        let controls = Array(String(repeating: "abcdefghijklmnopqrstuvwxyz,0123456789\u{1}\n", count: 100).utf8)
        #expect(throws: notText()) { try DelimitedTextReader(data: Data(controls)) }
        #expect(throws: notText()) { try DelimitedTextReader(data: Data(Array("name,note\n1,".utf8) + [0xFF, 0x0A])) }
        let utf16: [UInt8] = [0xFF, 0xFE] + "name\tnote\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(throws: notText("this is UTF-16 text; save it as CSV (UTF-8) instead")) {
            try DelimitedTextReader(data: Data(utf16))
        }
    }

    @Test("an empty file is an error; a header alone is no records")
    func emptyAndHeaderOnly() throws {
        for bytes: [UInt8] in [[], [0xEF, 0xBB, 0xBF], Array("\n  \r\n\t\n".utf8)] {
            #expect(throws: DelimitedTextError(line: nil, message: "the file is empty")) {
                try DelimitedTextReader(data: Data(bytes))
            }
        }
        for text in ["name,phone\n", "name,phone", "name,phone\r\n\r\n"] {
            var reader = try DelimitedTextReader(data: Data(text.utf8))
            #expect(reader.header == ["name", "phone"])
            #expect(reader.next() == nil)
        }
    }

    @Test("a header name that is empty or repeated is an error naming it")
    func badHeader() {
        #expect(throws: DelimitedTextError(line: 1, message: "column 2 of the header has no name")) {
            try DelimitedTextReader(data: Data("name, ,phone\n1,2,3\n".utf8))
        }
        #expect(throws: DelimitedTextError(line: 2, message: "the header has \"手机\" twice (columns 1 and 3)")) {
            try DelimitedTextReader(data: Data("\n手机,name,\" 手机\"\n1,2,3\n".utf8))
        }
        #expect(throws: DelimitedTextError(line: 1, message: "a quoted field is not closed")) {
            try DelimitedTextReader(data: Data("name,\"phone\n".utf8))
        }
    }

    @Test("a file read from disk 7 bytes at a time gives what the same bytes in memory give")
    func fileInSmallChunks() throws {
        // The first 64 KiB are read whole to detect the encoding, so chunks cut only what comes after them.
        let padding = String(repeating: "x,y,z\r\n", count: 10_000)
        let text = "\u{FEFF}姓名,备注,城市\r\n\(padding)张三,\"说 \"\"你好\"\"\r\n第二行\",北京\r\n\r\n李四,x\r\n"
            + "\"王五\" , 短 ,\"上海,浦东\"\r\n赵六,,"
        let gb18030 = gb18030Sample + Array("\(padding)\"Wang\nWu\",13900139000".utf8) + gb18030Sample.dropFirst(10)
        for bytes in [Array(text.utf8), gb18030] {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID()).csv")
            try Data(bytes).write(to: url)
            defer { try? FileManager.default.removeItem(at: url) }
            let fromFile = try DelimitedTextReader(fileAt: url.path, chunkSize: 7)
            let fromMemory = try DelimitedTextReader(data: Data(bytes))
            #expect(fromFile.header == fromMemory.header)
            #expect(fromFile.encoding == fromMemory.encoding)
            // A reader of a file reads it once, so its results are taken once.
            let results = Array(fromFile)
            #expect(results == Array(fromMemory))
            #expect(results.count >= 2)
        }
        #expect(try outcomes(Array(text.utf8), chunkSize: 7).suffix(4) == [
            #"10002 ["张三", "说 \"你好\"\n第二行", "北京"]"#, "line 10005: 2 fields, the header has 3",
            #"10006 ["王五", "短", "上海,浦东"]"#, #"10007 ["赵六", "", ""]"#,
        ])
    }

    @Test("a missing file or a directory is an error")
    func missingFile() {
        #expect(throws: DelimitedTextError(line: nil, message: "there is no file /nonexistent/customers.csv")) {
            try DelimitedTextReader(fileAt: "/nonexistent/customers.csv")
        }
        let directory = FileManager.default.temporaryDirectory.path
        #expect(throws: DelimitedTextError(line: nil, message: "\(directory) is a directory")) {
            try DelimitedTextReader(fileAt: directory)
        }
    }
}
