import Foundation

/// GB18030 decoding by tables that Foundation's converter fills once: the converter itself costs microseconds a call
/// and tens of nanoseconds a byte, several times what the rest of reading a record costs.
enum GB18030 {
    /// The scalars of the two-byte codes, 190 for each first byte (0x81...0xFE), one for each second byte
    /// (0x40...0x7E, 0x80...0xFE); 0 where the converter gave none.
    private static let twoByte: [UInt16] = (0x81...0xFE).flatMap { (first: UInt8) -> [UInt16] in
        scalars(of: (0x40...0xFE).filter { $0 != 0x7F }.map { [first, $0] })
    }
    /// The scalars of the four-byte codes up to 84 31 A4 39, the last in the Basic Multilingual Plane, by linear index.
    private static let fourByte: [UInt16] = stride(from: 0, to: 39_420, by: 1260).flatMap { (row: Int) -> [UInt16] in
        scalars(of: (row..<min(row + 1260, 39_420)).map(code))
    }
    /// The linear index of 90 30 81 30, which is U+10000; the codes after it follow the scalars in order.
    private static let supplementaryStart = 189_000

    /// The text of GB18030 bytes; nil when they are not valid GB18030.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard bytes.contains(where: { $0 >= 0x80 }) else { return String(decoding: bytes, as: UTF8.self) }
        var utf8: [UInt8] = []
        utf8.reserveCapacity(bytes.count * 3 / 2)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let first = bytes[index]
            guard first >= 0x80 else {
                utf8.append(first)
                index += 1
                continue
            }
            guard let (scalar, length) = character(UnsafeBufferPointer(rebasing: bytes[index...])) else { return nil }
            UTF8.encode(scalar) { utf8.append($0) }
            index += length
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// The non-ASCII character `bytes` start with and its length in bytes; nil when they do not start with one.
    private static func character(_ bytes: UnsafeBufferPointer<UInt8>) -> (Unicode.Scalar, Int)? {
        let byte = { (offset: Int) -> Int in Int(bytes[offset]) }
        let first = byte(0)
        // Windows code page 936 writes the euro sign so, and Foundation reads it back.
        if first == 0x80 { return ("\u{20AC}", 1) }
        guard first != 0xFF, bytes.count >= 2 else { return nil }
        let second = byte(1)
        var value: UInt32 = 0
        if RecordScanner.isGB18030Trail(UInt8(second)) {
            value = UInt32(twoByte[(first - 0x81) * 190 + second - (second < 0x7F ? 0x40 : 0x41)])
        } else if bytes.count >= 4, (0x30...0x39).contains(second), (0x81...0xFE).contains(byte(2)),
                  (0x30...0x39).contains(byte(3))
        {
            let linear = ((first - 0x81) * 10 + second - 0x30) * 1260 + (byte(2) - 0x81) * 10 + byte(3) - 0x30
            if linear < fourByte.count {
                value = UInt32(fourByte[linear])
            } else if linear >= supplementaryStart, linear - supplementaryStart < 0x10_0000 {
                value = UInt32(linear - supplementaryStart + 0x1_0000)
            }
        }
        guard value != 0, let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, second < 0x40 ? 4 : 2)
    }

    /// The four-byte code with a linear index.
    private static func code(_ linear: Int) -> [UInt8] {
        [UInt8(0x81 + linear / 12600), UInt8(0x30 + linear / 1260 % 10), UInt8(0x81 + linear / 10 % 126),
         UInt8(0x30 + linear % 10)]
    }

    /// What Foundation's converter makes of each code: its scalar when that is one in the Basic Multilingual Plane,
    /// else 0.
    private static func scalars(of codes: [[UInt8]]) -> [UInt16] {
        let encoding = String.Encoding(rawValue: 0x8000_0632)  // kCFStringEncodingGB18030_2000
        // One call for all the codes, as calls are slow, and one for each only when that fails.
        if let text = String(bytes: codes.joined(), encoding: encoding), text.unicodeScalars.count == codes.count {
            return text.unicodeScalars.map { UInt16(exactly: $0.value) ?? 0 }
        }
        return codes.map { code in
            guard let scalars = String(bytes: code, encoding: encoding)?.unicodeScalars, scalars.count == 1 else {
                return 0
            }
            return scalars.first.flatMap { UInt16(exactly: $0.value) } ?? 0
        }
    }
}
