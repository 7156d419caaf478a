import Foundation

/// The opaque `cursor` of paginated lists: a position encoded as unpadded base64url text, so clients cannot
/// depend on its inside.
public enum PageCursor {
    /// Encodes a list of integers (for example a timestamp and a sequence number).
    public static func encode(_ values: [Int64]) -> String {
        let text = values.map(String.init).joined(separator: ":")
        return Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes a cursor made by `encode` holding exactly `count` integers; nil when it is not one.
    public static func decode(_ cursor: String, count: Int) -> [Int64]? {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard cursor.count <= 200, let data = Data(base64Encoded: base64),
            let text = String(data: data, encoding: .utf8)
        else { return nil }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        let values = parts.compactMap { Int64($0) }
        return parts.count == count && values.count == count ? values : nil
    }
}
