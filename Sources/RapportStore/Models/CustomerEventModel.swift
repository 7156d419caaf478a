import FluentKit
import Foundation
import RapportCore

/// A row of `customer_events`. Inserted, and rewritten only by an erasure (`DataSubjectRepository.erase`).
final class CustomerEventModel: Model, @unchecked Sendable {
    static let schema = "customer_events"

    @ID(custom: "seq", generatedBy: .user) var id: Int64?
    @Field(key: "customer_id") var customerID: UUID
    @Field(key: "family") var family: String
    @Field(key: "kind") var kind: String
    @OptionalField(key: "field") var field: String?
    @OptionalField(key: "old_value") var oldValue: String?
    @OptionalField(key: "new_value") var newValue: String?
    @Field(key: "actor_kind") var actorKind: String
    @OptionalField(key: "actor_id") var actorID: UUID?
    @Field(key: "source") var source: String
    @Field(key: "occurred_at") var occurredAt: Date
    @Field(key: "recorded_at") var recordedAt: Date

    init() {}

    /// The domain value.
    func toEvent() throws -> ChangeEvent {
        let eventKind = EventKind(rawValue: kind)
        let hasValues = eventKind == .fieldChanged
        func value(_ text: String?) throws -> JSONValue? {
            guard let text else { return hasValues ? .null : nil }
            do { return try JSONValue.parse(Data(text.utf8)) } catch {
                throw StoreError.corrupt("event \(id ?? 0) holds a value that is not JSON")
            }
        }
        let event = NewChangeEvent(
            customerID: customerID, family: EventFamily(rawValue: family) ?? .info, kind: eventKind, field: field,
            oldValue: try value(oldValue), newValue: try value(newValue),
            actor: Actor(kind: Actor.Kind(rawValue: actorKind) ?? .system, id: actorID),
            source: EventSource(rawValue: source) ?? .system, occurredAt: occurredAt)
        return ChangeEvent(seq: try requireID(), event: event, recordedAt: recordedAt)
    }
}
