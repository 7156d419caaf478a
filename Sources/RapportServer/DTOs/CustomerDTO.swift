import Foundation
import RapportCore

/// A customer as the API shows it: the settable fields plus what the server keeps.
struct CustomerDTO: Encodable {
    let id: UUID
    let number: String
    let fields: CustomerFields
    let createdAt: Date
    let updatedAt: Date
    let archivedAt: Date?
    /// Set for `as_of` views: the instant the customer is shown at.
    let asOf: Date?

    enum CodingKeys: String, CodingKey {
        case id, number
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case archivedAt = "archived_at"
        case asOf = "as_of"
    }

    init(_ customer: Customer, asOf: Date? = nil) {
        id = customer.id
        number = customer.number.description
        fields = customer.fields
        createdAt = customer.createdAt
        updatedAt = customer.updatedAt
        archivedAt = customer.archivedAt
        self.asOf = asOf
    }

    /// The fields sit beside `id` and `number` in one flat object, with every key present (null when unset).
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id.lowercased, forKey: .id)
        try container.encode(number, forKey: .number)
        try fields.encodeAllKeys(to: encoder)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encode(archivedAt, forKey: .archivedAt)
        if let asOf { try container.encode(asOf, forKey: .asOf) }
    }
}

extension CustomerFields {
    /// Encodes like `Codable` does, but writes null for unset optionals so clients see every field.
    func encodeAllKeys(to encoder: any Encoder) throws {
        try encode(to: encoder)
        var container = encoder.container(keyedBy: AllKeys.self)
        if ownerID == nil { try container.encodeNil(forKey: AllKeys(stringValue: "owner_id")) }
        if team == nil { try container.encodeNil(forKey: AllKeys(stringValue: "team")) }
        if source == nil { try container.encodeNil(forKey: AllKeys(stringValue: "source")) }
        if birthday == nil { try container.encodeNil(forKey: AllKeys(stringValue: "birthday")) }
    }

    private struct AllKeys: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// A page of a list: its items and the cursor of the next page (null on the last page).
struct PageDTO<Item: Encodable>: Encodable {
    let items: [Item]
    let nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }

    /// `next_cursor` is always present; null marks the last page.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(nextCursor, forKey: .nextCursor)
    }
}
