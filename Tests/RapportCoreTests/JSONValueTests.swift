import Foundation
import Testing
@testable import RapportCore

@Suite("JSON values")
struct JSONValueTests {
    /// A small deterministic generator of awkward JSON values.
    struct Generator {
        var state: UInt64

        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }

        static let pieces = ["a", "B", "_", "0", "9", "é", "中文", "😀", "\"", "\\", "/", "\n", "\r", "\t", "\u{08}",
                             "\u{0C}", "\u{01}", "\u{1F}", "\u{7F}", "\u{2028}", " ", "ａ", "a10", "a9"]
        static let numbers: [Double] = [0, -0.0, 1, -1, 0.1, 1.5, 1e-7, 1.5e300, -2.5e-300, 123_456_789.123, 1e21,
                                        9_007_199_254_740_991, 9_007_199_254_740_993, 42, -123_456, 3.141_592_653_589_793]

        mutating func text() -> String {
            (0..<next(5)).map { _ in Self.pieces[next(Self.pieces.count)] }.joined()
        }

        mutating func value(depth: Int = 0) -> JSONValue {
            switch next(depth > 3 ? 4 : 6) {
            case 0: return .null
            case 1: return .bool(next(2) == 0)
            case 2: return .number(Self.numbers[next(Self.numbers.count)])
            case 3: return .string(text())
            case 4: return .array((0..<next(4)).map { _ in value(depth: depth + 1) })
            default:
                var members: [String: JSONValue] = [:]
                for _ in 0..<next(5) { members[text()] = value(depth: depth + 1) }
                return .object(members)
            }
        }
    }

    @Test("the hand-written encoder writes exactly what JSONEncoder writes", arguments: 0..<20)
    func encoderAgreement(seed: Int) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var generator = Generator(state: UInt64(seed) &+ 11)
        for _ in 0..<200 {
            let value = generator.value()
            let expected = String(decoding: try encoder.encode(value), as: UTF8.self)
            #expect(value.encodedText() == expected)
            #expect(try JSONValue.parse(Data(value.encodedText().utf8)) == value.normalisedNegativeZero)
        }
    }

    @Test("quoted strings are JSON string literals")
    func quoted() throws {
        for text in ["", "plain", "quote \" and \\ backslash", "line\nbreak\u{01}", "中文 😀"] {
            #expect(try JSONValue.parse(Data(JSONValue.quoted(text).utf8)) == .string(text))
        }
    }
}

extension JSONValue {
    /// -0 is written as 0, so it reads back as 0.
    var normalisedNegativeZero: JSONValue {
        switch self {
        case .number(let value) where value == 0: return .number(0)
        case .array(let items): return .array(items.map(\.normalisedNegativeZero))
        case .object(let members): return .object(members.mapValues(\.normalisedNegativeZero))
        default: return self
        }
    }
}
