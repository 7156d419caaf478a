import Foundation

/// UUIDs to and from their 36-character text. Foundation on Linux does both with `sscanf` and `sprintf`, which cost
/// more than a customer read's database query; the API parses and prints several per request.
public enum UUIDText {
    private static let lowerDigits = Array("0123456789abcdef".utf8)
    private static let upperDigits = Array("0123456789ABCDEF".utf8)

    /// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, in lower case (the API's form) or upper case (Foundation's, which
    /// the SQLite driver stores).
    public static func format(_ uuid: UUID, uppercase: Bool = false) -> String {
        let digits = uppercase ? upperDigits : lowerDigits
        var utf8: [UInt8] = []
        utf8.reserveCapacity(36)
        withUnsafeBytes(of: uuid.uuid) { bytes in
            for (index, byte) in bytes.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 { utf8.append(UInt8(ascii: "-")) }
                utf8.append(digits[Int(byte >> 4)])
                utf8.append(digits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// Parses the 36-character form in either case; nil for anything else.
    public static func parse(_ text: String) -> UUID? {
        guard text.utf8.count == 36 else { return nil }
        var bytes = [UInt8](repeating: 0, count: 16)
        var count = 0
        var high: UInt8?
        for (position, character) in text.utf8.enumerated() {
            if position == 8 || position == 13 || position == 18 || position == 23 {
                guard character == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard let nibble = nibble(character), count < 16 else { return nil }
            if let first = high {
                bytes[count] = first << 4 | nibble
                count += 1
                high = nil
            } else {
                high = nibble
            }
        }
        guard count == 16, high == nil else { return nil }
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8],
                           bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
