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
