import FluentKit
import Foundation
import RapportCore

/// Writes many new customers at once — one transaction and a few multi-row inserts per batch — with the same rows
/// and `created` events that `CustomerRepository.create` writes one by one.
public struct CustomerBulkWriter: Sendable {
    let store: RapportDatabase

    /// Wraps the database.
    public init(_ store: RapportDatabase) {
        self.store = store
    }

    /// Creates one batch of customers. The caller keeps batches to a few hundred rows (bound-parameter limits).
    /// External IDs must not be taken already; a taken one fails the whole batch.
    public func create(_ batch: [CustomerFields], actor: Actor, source: EventSource) async throws -> [StoredCustomer] {
        guard !batch.isEmpty else { return [] }
        let now = store.clock.now()
        return try await store.write { database in
            let firstNumber = try await Counter.customerNumber.reserve(Int64(batch.count), on: database)
            let models = batch.enumerated().map { offset, fields in
                let model = CustomerModel()
                model.id = UUID()
                model.number = firstNumber + Int64(offset)
                model.apply(fields)
                model.version = 1
                model.createdAt = now
                model.updatedAt = now
                return model
            }
            try await models.create(on: database)
            let externalIDs = models.flatMap { model in
                batch[Int(model.number - firstNumber)].externalIDs.map {
                    CustomerExternalIDModel(source: $0.key, externalID: $0.value, customerID: model.id!)
                }
            }
            if !externalIDs.isEmpty { try await externalIDs.create(on: database) }
            let events = models.enumerated().flatMap { offset, model in
                CustomerHistory.creationEvents(
                    of: Customer(id: model.id!, number: CustomerNumber(model.number), fields: batch[offset],
                                 createdAt: now, updatedAt: now, archivedAt: nil, version: 1),
                    actor: actor, source: source)
            }
            try await EventLog.append(events, recordedAt: now, on: database)
            return try models.map { try $0.toStored() }
        }
    }
}
