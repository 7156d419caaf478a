import FluentKit
import Foundation
import RapportCore

/// Rules shared by the writes that record something a customer did: transactions and interactions.
enum CustomerActivity {
    /// How far in the future an activity may be dated (clocks differ a little).
    static let futureSlack: TimeInterval = 300

    /// Locks the customer the activity belongs to. A customer the caller may not see is, to the caller, unknown.
    static func lockCustomer(
        _ id: UUID, visibleTo visibility: CustomerVisibility, on database: any Database
    ) async throws -> CustomerModel {
        do {
            return try await CustomerRepository.lockAndLoad(id, visibleTo: visibility, expectedVersion: nil,
                                                            on: database)
        } catch StoreError.notFound {
            throw StoreError.invalid(ValidationError(
                field: "customer_id", code: "unknown_customer", message: "no customer has this ID"))
        }
    }

    /// The time an activity is stored with: to the millisecond, like every time in Rapport (so cursors compare
    /// exactly), and not in the future.
    static func occurredAt(_ time: Date, now: Date) throws -> Date {
        let stored = milliseconds(time)
        if stored > now.addingTimeInterval(futureSlack) {
            throw StoreError.invalid(ValidationError(
                field: "occurred_at", code: "in_future", message: "occurred_at is in the future"))
        }
        return stored
    }

    /// A time truncated to the millisecond.
    static func milliseconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }
}
