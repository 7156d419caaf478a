import FluentKit
import Foundation
import RapportCore
import SQLKit

/// Records interactions and reads them back. Recording one appends its `relationship` event and refreshes the
/// customer's contact stats in the same database transaction.
public struct InteractionRepository: Sendable {
    let store: RapportDatabase
    let engine: LifecycleEngine

    /// Wraps the database; `engine` decides stages.
    public init(_ store: RapportDatabase, engine: LifecycleEngine) {
        self.store = store
        self.engine = engine
    }

    /// Records an interaction with a customer the caller may see.
    /// - Throws: `StoreError.invalid` for an unknown customer or user, or a time in the future.
    public func record(
        _ input: InteractionInput, visibleTo visibility: CustomerVisibility, actor: Actor, source: EventSource
    ) async throws -> Interaction {
        let now = store.clock.now()
        let engine = self.engine
        return try await store.write { database in
            let sql = database as! any SQLDatabase
            _ = try await CustomerActivity.lockCustomer(input.customerID, visibleTo: visibility, on: database)
            var stored = input
            stored.occurredAt = try CustomerActivity.occurredAt(input.occurredAt, now: now)
            if let userID = input.userID, try await UserModel.find(userID, on: database) == nil {
                throw StoreError.invalid(ValidationError(
                    field: "user_id", code: "unknown_user", message: "no user has this ID"))
            }
            let interaction = Interaction(id: TimeOrderedID.make(at: now), input: stored, recordedAt: now)
            try await InteractionRows.insert([interaction], on: sql)
            try await EventLog.append([Self.event(interaction, actor: actor, source: source)], recordedAt: now,
                                      on: database)
            _ = try await CustomerStatsWriter(engine: engine).refresh(
                input.customerID, from: try await CustomerStatsTable.load(input.customerID, on: database),
                scope: .interactions, now: now, actor: actor,
                source: source, on: database)
            try await CrowdMembership.refresh(input.customerID, at: now, on: database)
            return interaction
        }
    }

    /// A page of a customer's interactions, newest first.
    public func list(
        of customerID: UUID, visibleTo visibility: CustomerVisibility, after position: RowPosition?, limit: Int
    ) async throws -> [Interaction] {
        _ = try await CustomerRepository(store).find(customerID, visibleTo: visibility)
        return try await RowPosition.page(
            of: "interactions", columns: InteractionRows.columns, customerID: customerID, after: position, limit: limit,
            on: store.database as! any SQLDatabase
        ).map(InteractionRows.decode)
    }

    /// The `relationship`-family event of an interaction.
    static func event(_ interaction: Interaction, actor: Actor, source: EventSource) -> NewChangeEvent {
        NewChangeEvent(
            customerID: interaction.input.customerID, family: .relationship, kind: .interaction,
            newValue: interaction.json, actor: actor, source: source, occurredAt: interaction.input.occurredAt)
    }
}
