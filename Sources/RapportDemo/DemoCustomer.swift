import Foundation
import RapportCore

/// A product of the demo shop's catalogue.
public struct DemoProduct: Equatable, Sendable {
    /// Stock-keeping unit such as `SKU-TEA-001`: the category's code and a number.
    public let sku: String
    /// The name shown on receipts, in Chinese.
    public let name: String
    /// The category's Chinese name, as transaction lines carry it.
    public let category: String
    /// The list price of one unit in fen.
    public let unitPriceMinor: Int64
}

/// A purchase or refund of a demo customer, ready to record.
public struct DemoTransaction: Equatable, Sendable {
    /// The transaction's ID, drawn from the seeded source; refunds point at their purchase's ID.
    public let id: UUID
    /// The transaction as a client would send it: in CNY, for the owning `DemoCustomer`'s ID; a refund's
    /// `refundOf` names an earlier purchase of the same customer and never exceeds its amount.
    public let input: TransactionInput
}

/// An interaction with a demo customer, ready to record; no user handled it (`userID` is nil).
public struct DemoInteraction: Equatable, Sendable {
    /// The interaction's ID, drawn from the seeded source.
    public let id: UUID
    /// The interaction as a client would send it, for the owning `DemoCustomer`'s ID.
    public let input: InteractionInput
}

/// A back-dated edit of a demo customer: a new phone or e-mail, a move, a tag.
public struct DemoChange: Equatable, Sendable {
    /// When the edit happened.
    public let at: Date
    /// All of the customer's fields after the edit, not only the changed ones.
    public let fields: CustomerFields
}

/// One customer of the demo business with its whole history up to the business's end.
public struct DemoCustomer: Equatable, Sendable {
    /// The customer's ID, drawn from the seeded source.
    public let id: UUID
    /// When the customer was created; never before the history's start.
    public let createdAt: Date
    /// The fields as created, already normalised (the customer parser returns them unchanged).
    public let fields: CustomerFields
    /// Later edits, sorted by time, each after `createdAt` and not after the end.
    public let changes: [DemoChange]
    /// Purchases and refunds, sorted by `occurredAt`, between `createdAt` and the end.
    public let transactions: [DemoTransaction]
    /// Interactions, sorted by `occurredAt`, between `createdAt` and the end.
    public let interactions: [DemoInteraction]
}
