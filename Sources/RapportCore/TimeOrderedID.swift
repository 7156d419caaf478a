import Foundation

/// Row IDs that sort by creation time: UUID version 7 (RFC 9562), 48 bits of Unix milliseconds followed by random
/// bits. Rows created together sit together in every index keyed by them, so inserting a million customers with
/// their events appends to the indexes instead of scattering writes across them.
public enum TimeOrderedID {
    /// A new ID for a row created at `instant`.
    public static func make(at instant: Date) -> UUID {
        var random = SystemRandomNumberGenerator()
        return make(at: instant, random: (random.next(), random.next()))
    }

    /// An ID from given random bits, for generators that must repeat themselves.
    public static func make(at instant: Date, random: (UInt64, UInt64)) -> UUID {
        let milliseconds = UInt64(max(0, (instant.timeIntervalSince1970 * 1000).rounded(.down))) & 0xFFFF_FFFF_FFFF
        // 48-bit time, version 7, 12 random bits; then the RFC variant (10) and 62 random bits.
        let high = milliseconds << 16 | 0x7000 | (random.0 & 0x0FFF)
        let low = (random.1 & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        return withUnsafeBytes(of: (high.bigEndian, low.bigEndian)) { bytes in
            UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8],
                        bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
        }
    }
}
