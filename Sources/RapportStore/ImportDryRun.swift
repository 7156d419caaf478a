import Foundation
import RapportCore

/// A dry run of a transaction or interaction import: what its batches would have written. Each batch of a dry run
/// is rolled back, so without this a later batch would not see what an earlier one made — the refund of a purchase
/// earlier in the file would look like the refund of nothing, a repeated order like a new one. The importers lay it
/// over what the database holds, and decide each batch without writing it. It grows with what the file would
/// create; a real run needs none.
public final class ImportDryRun: @unchecked Sendable {
    private let lock = NSLock()
    private var transactions: [String: Transaction] = [:]
    private var refunded: [UUID: Int64] = [:]
    private var spent: [UUID: Int64] = [:]
    private var interactions: [UUID: Interaction] = [:]

    /// A dry run that has written nothing yet.
    public init() {}

    /// How transactions are keyed: their order number within their customer's source system.
    static func key(source: String, order: String) -> String { source + "\u{1}" + order }

    /// A transaction an earlier batch would have recorded.
    func transaction(source: String, order: String) -> Transaction? {
        lock.withLock { transactions[Self.key(source: source, order: order)] }
    }

    /// How much more of a purchase earlier batches would have refunded.
    func refundedMore(_ purchase: UUID) -> Int64 {
        lock.withLock { refunded[purchase] ?? 0 }
    }

    /// How much more a customer would have spent, net, after earlier batches.
    func spentMore(_ customer: UUID) -> Int64 {
        lock.withLock { spent[customer] ?? 0 }
    }

    /// Remembers what a batch would have recorded: its transactions, and its refunds of purchases it did not record
    /// and its net spending per customer.
    func remember(_ recorded: [(Transaction, source: String)], refunded: [UUID: Int64], spent: [UUID: Int64]) {
        lock.withLock {
            for (transaction, source) in recorded {
                guard let order = transaction.externalID else { continue }
                transactions[Self.key(source: source, order: order)] = transaction
            }
            self.refunded.merge(refunded, uniquingKeysWith: +)
            self.spent.merge(spent, uniquingKeysWith: +)
        }
    }

    /// An interaction an earlier batch would have recorded.
    func interaction(_ id: UUID) -> Interaction? {
        lock.withLock { interactions[id] }
    }

    /// Remembers the interactions a batch would have recorded.
    func remember(_ recorded: [Interaction]) {
        lock.withLock {
            for interaction in recorded { interactions[interaction.id] = interaction }
        }
    }
}
