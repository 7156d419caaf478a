import FluentKit
import Foundation
import RapportCore

/// A row of `customers`: the current state. See `M0004_CreateCustomers` for why fields live in `document`.
final class CustomerModel: Model, @unchecked Sendable {
    static let schema = "customers"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Field(key: "number") var number: Int64
    @Field(key: "version") var version: Int64
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    @OptionalField(key: "archived_at") var archivedAt: Date?

    // data fields
    @Field(key: "document") var document: String

    // derived from `document`, for queries
    @Field(key: "kind") var kind: String
    @Field(key: "name") var name: String
    @OptionalField(key: "owner_id") var ownerID: UUID?
    @OptionalField(key: "team") var team: String?
    @OptionalField(key: "source") var source: String?
    @OptionalField(key: "birthday") var birthday: String?
    @Field(key: "search_text") var searchText: String

    init() {}

    /// Stores the user-settable fields and refreshes the columns derived from them. `number` must be set first.
    func apply(_ fields: CustomerFields) {
        document = fields.documentText
        kind = fields.kind.rawValue
        name = fields.name
        ownerID = fields.ownerID
        team = fields.team
        source = fields.source
        birthday = fields.birthday?.description
        searchText = CustomerSearch.text(number: CustomerNumber(number), fields: fields)
    }

    /// The stored value, with the customer's stats (from `customer_stats`).
    func toStored(stats: CustomerStats) throws -> StoredCustomer {
        StoredCustomer(
            id: try requireID(), number: CustomerNumber(number), version: Int(version), createdAt: createdAt,
            updatedAt: updatedAt, archivedAt: archivedAt, document: document, stats: stats)
    }
}
