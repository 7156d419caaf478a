import Foundation
import Testing
@testable import RapportCore

@Suite("UUID text")
struct UUIDTextTests {
    @Test("formats and parses like Foundation, for 5,000 random UUIDs")
    func agreesWithFoundation() {
        for _ in 0..<5_000 {
            let uuid = UUID()
            #expect(UUIDText.format(uuid, uppercase: true) == uuid.uuidString)
            #expect(UUIDText.format(uuid) == uuid.uuidString.lowercased())
            #expect(UUIDText.parse(uuid.uuidString) == uuid)
            #expect(UUIDText.parse(uuid.uuidString.lowercased()) == uuid)
        }
    }

    @Test("rejects what is not a UUID")
    func rejects() {
        for text in ["", "not-a-uuid", "0016014-3D83-4094-89BF-6DD070AE9B68", "00016014-3D83-4094-89BF-6DD070AE9B68A",
                     "00016014x3D83-4094-89BF-6DD070AE9B68", "0001601G-3D83-4094-89BF-6DD070AE9B68",
                     "000160143D83409489BF6DD070AE9B68", "00016014-3D83-4094-89BF-6DD070AE9B6８"] {
            #expect(UUIDText.parse(text) == nil, "\(text)")
        }
    }
}

@Suite("Time-ordered IDs")
struct TimeOrderedIDTests {
    @Test("version 7: the millisecond time first, so IDs sort by creation time")
    func ordered() {
        let base = Date(timeIntervalSince1970: 1_790_000_000.123)
        // Two milliseconds apart: within one millisecond the order is random, as RFC 9562 allows.
        let ids = (0..<200).map { TimeOrderedID.make(at: base.addingTimeInterval(Double($0) * 0.002)) }
        let texts = ids.map { UUIDText.format($0) }
        #expect(texts == texts.sorted())
        #expect(Set(ids).count == ids.count)
        let milliseconds = String(1_790_000_000_123, radix: 16)
        let hex = String(repeating: "0", count: 12 - milliseconds.count) + milliseconds
        #expect(texts[0].replacingOccurrences(of: "-", with: "").hasPrefix(hex))
        #expect(Array(texts[0])[14] == "7")
        #expect("89ab".contains(Array(texts[0])[19]))
        let fixed = TimeOrderedID.make(at: base, random: (0xFFFF, 0))
        #expect(UUIDText.format(fixed).hasSuffix("7fff-8000-000000000000"))
    }
}
