import Foundation
import RapportCore

/// A customer as read from storage: the server-kept columns and the fields' canonical JSON document, undecoded.
///
/// Reading a customer for the API needs no decoding at all: the document is already the JSON the API shows (see
/// `CustomerFields.encode(to:)`). `decoded()` gives the domain value when rules must look inside.
public struct StoredCustomer: Equatable, Sendable {
    public let id: UUID
    public let number: CustomerNumber
    /// The `ETag` version.
    public let version: Int
    public let createdAt: Date
    public let updatedAt: Date
    public let archivedAt: Date?
    /// The user-settable fields as compact JSON text with sorted keys, every key present.
    public let document: String
    /// What Rapport derives: purchase aggregates, recent interactions, lifecycle stage.
    public let stats: CustomerStats

    /// Creates a stored customer.
    public init(
        id: UUID, number: CustomerNumber, version: Int, createdAt: Date, updatedAt: Date, archivedAt: Date?,
        document: String, stats: CustomerStats
    ) {
        self.id = id
        self.number = number
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.archivedAt = archivedAt
        self.document = document
        self.stats = stats
    }

    /// The same customer as a storable value, from a domain customer (an `as_of` replay, say).
    public init(_ customer: Customer, stats: CustomerStats) {
        self.init(
            id: customer.id, number: customer.number, version: customer.version, createdAt: customer.createdAt,
            updatedAt: customer.updatedAt, archivedAt: customer.archivedAt,
            document: customer.fields.documentText, stats: stats)
    }

    /// The domain value.
    /// - Throws: `StoreError.corrupt` when the stored document is not a customer document.
    public func decoded() throws -> Customer {
        let fields = try Self.fields(of: document, number: number)
        return Customer(
            id: id, number: number, fields: fields, createdAt: createdAt, updatedAt: updatedAt,
            archivedAt: archivedAt, version: version)
    }

    /// The fields of a stored document.
    /// - Throws: `StoreError.corrupt` naming the customer when the document is not a customer document.
    static func fields(of document: String, number: CustomerNumber) throws -> CustomerFields {
        do {
            return try JSONDecoder().decode(CustomerFields.self, from: Data(document.utf8))
        } catch {
            throw StoreError.corrupt("customer \(number) has an unreadable document: \(error)")
        }
    }
}
