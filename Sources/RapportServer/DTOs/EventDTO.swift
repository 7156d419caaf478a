import Foundation
import RapportCore

/// A change event as the API shows it.
struct EventDTO: Encodable {
    let seq: Int64
    let customerID: UUID
    let family: EventFamily
    let kind: String
    let field: String?
    let oldValue: JSONValue?
    let newValue: JSONValue?
    let actor: ActorDTO
    let source: EventSource
    let occurredAt: Date
    let recordedAt: Date

    struct ActorDTO: Encodable {
        let type: Actor.Kind
        let id: UUID?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(type, forKey: .type)
            try container.encode(id?.lowercased, forKey: .id)
        }

        enum CodingKeys: String, CodingKey { case type, id }
    }

    enum CodingKeys: String, CodingKey {
        case seq, family, kind, field, actor, source
        case customerID = "customer_id"
        case oldValue = "old_value"
        case newValue = "new_value"
        case occurredAt = "occurred_at"
        case recordedAt = "recorded_at"
    }

    init(_ stored: ChangeEvent) {
        let event = stored.event
        seq = stored.seq
        customerID = event.customerID
        family = event.family
        kind = event.kind.rawValue
        field = event.field
        oldValue = event.oldValue
        newValue = event.newValue
        actor = ActorDTO(type: event.actor.kind, id: event.actor.id)
        source = event.source
        occurredAt = event.occurredAt
        recordedAt = stored.recordedAt
    }

    /// Every key is written, null when empty, so each event has the same shape.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(seq, forKey: .seq)
        try container.encode(customerID.lowercased, forKey: .customerID)
        try container.encode(family, forKey: .family)
        try container.encode(kind, forKey: .kind)
        try container.encode(field, forKey: .field)
        try container.encode(oldValue ?? .null, forKey: .oldValue)
        try container.encode(newValue ?? .null, forKey: .newValue)
        try container.encode(actor, forKey: .actor)
        try container.encode(source, forKey: .source)
        try container.encode(occurredAt, forKey: .occurredAt)
        try container.encode(recordedAt, forKey: .recordedAt)
    }
}
