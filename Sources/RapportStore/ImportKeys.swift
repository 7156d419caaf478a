import Crypto
import Foundation
import RapportCore

/// The identities an import derives for records the file gives none for, so that importing the file again — or
/// resuming it after a kill — finds what the first run wrote instead of writing it twice. Each is a SHA-256 of
/// what the record is for its customer (its content, or its ID in the source system) and of its occurrence in the
/// file (`ImportOccurrences`), so two identical rows stay two records.
enum ImportKeys {
    /// The order number of a transaction without one: `import-` and 20 hex digits (80 bits) of its content for its
    /// customer and its occurrence.
    static func orderNumber(_ transaction: TransactionImport, customerID: UUID, occurrence: Int) -> String {
        let digest = sha256("transaction\n\(transaction.content(customerID: customerID).encodedText())\n\(occurrence)")
        return "import-" + digest.prefix(10).map { String(format: "%02x", $0) }.joined()
    }

    /// The ID of an imported interaction: the one the file gives (an export's `id`); else, for an interaction with
    /// an ID in the source system, a UUID (version 8) from the source and that ID, the same whatever else changes;
    /// else a time-ordered UUID (version 7) at its time, its other bits from its content for its customer and its
    /// occurrence.
    static func interactionID(_ interaction: InteractionImport, customerID: UUID, source: String, occurrence: Int)
        -> UUID
    {
        if let id = interaction.id { return id }
        if let externalID = interaction.externalID {
            var bytes = sha256("interaction\n\(source)\n\(externalID)")
            bytes[6] = bytes[6] & 0x0F | 0x80
            bytes[8] = bytes[8] & 0x3F | 0x80
            return uuid(bytes)
        }
        let bytes = sha256("interaction\n\(interaction.content(customerID: customerID).encodedText())\n\(occurrence)")
        func word(_ offset: Int) -> UInt64 { bytes[offset..<offset + 8].reduce(0) { $0 << 8 | UInt64($1) } }
        return TimeOrderedID.make(at: interaction.input.occurredAt, random: (word(0), word(8)))
    }

    private static func sha256(_ text: String) -> [UInt8] {
        Array(SHA256.hash(data: Data(text.utf8)))
    }

    private static func uuid(_ bytes: [UInt8]) -> UUID {
        UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8],
                    bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
