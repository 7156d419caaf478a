import Foundation

/// The rules that turn customer writes into change events, and change events back into customers.
public enum CustomerHistory {
    /// The events that record the creation of a customer: one `created` event holding the whole document.
    public static func creationEvents(
        of customer: Customer, actor: Actor, source: EventSource
    ) -> [NewChangeEvent] {
        [
            NewChangeEvent(
                customerID: customer.id, family: .info, kind: .created, newValue: customer.fields.document,
                actor: actor, source: source, occurredAt: customer.createdAt)
        ]
    }

    /// The latest stored time that counts as "at or before `instant`". Times are kept to the millisecond but stored
    /// as binary floating-point seconds, so the same millisecond read from text and from storage can differ in the
    /// last bit; half a millisecond of slack makes the comparison one of milliseconds.
    public static func latestIncluded(at instant: Date) -> Date {
        instant.addingTimeInterval(0.0005)
    }

    /// One `field_changed` event per top-level field whose value differs, in the order of `CustomerFields.keys`.
    public static func changeEvents(
        customerID: UUID, from old: CustomerFields, to new: CustomerFields, actor: Actor, source: EventSource,
        at time: Date
    ) -> [NewChangeEvent] {
        let before = old.document.objectValue ?? [:]
        let after = new.document.objectValue ?? [:]
        return CustomerFields.keys.compactMap { key in
            let oldValue = before[key] ?? .null
            let newValue = after[key] ?? .null
            guard oldValue != newValue else { return nil }
            return NewChangeEvent(
                customerID: customerID, family: .info, kind: .fieldChanged, field: key, oldValue: oldValue,
                newValue: newValue, actor: actor, source: source, occurredAt: time)
        }
    }

    /// The customer as it was at `instant`: the replay of every event that occurred at or before it, in order of
    /// occurrence (ties in commit order). Nil when the customer did not exist yet.
    ///
    /// Only `info` events change the stored fields. A replayed customer has `version` 0: it is a view of the past,
    /// not something a client can update.
    public static func replay(_ events: [ChangeEvent], number: CustomerNumber, asOf instant: Date) -> Customer? {
        let cutoff = latestIncluded(at: instant)
        let ordered = events
            .filter { $0.event.occurredAt <= cutoff }
            .sorted { ($0.event.occurredAt, $0.seq) < ($1.event.occurredAt, $1.seq) }
        guard let first = ordered.first, first.event.kind == .created,
            case .object(var document)? = first.event.newValue
        else { return nil }
        var archivedAt: Date?
        var updatedAt = first.event.occurredAt
        for stored in ordered.dropFirst() where stored.event.family == .info {
            let event = stored.event
            switch event.kind {
            case .fieldChanged:
                guard let field = event.field else { continue }
                document[field] = event.newValue ?? .null
            case .archived:
                archivedAt = event.occurredAt
            case .restored:
                archivedAt = nil
            case .erased:
                // The events before it were rewritten to the tombstone's values already; it only dates the change.
                break
            default:
                continue
            }
            updatedAt = event.occurredAt
        }
        guard let fields = try? CustomerFields(document: .object(document)) else { return nil }
        return Customer(
            id: first.event.customerID, number: number, fields: fields, createdAt: first.event.occurredAt,
            updatedAt: updatedAt, archivedAt: archivedAt, version: 0)
    }
}

extension CustomerFields {
    /// The fields as a JSON object with the API's keys, every key present.
    public var document: JSONValue {
        // CustomerFields holds only strings, numbers, booleans and arrays/objects of them, so encoding cannot fail.
        (try? JSONValueEncoder.encode(self)) ?? .null
    }

    /// The canonical JSON text of the fields: compact, keys sorted, every key present. It equals
    /// `document.encodedText()`, and is what storage keeps and the API sends.
    public var documentText: String {
        document.encodedText()
    }

    /// Reads fields back from a stored document without re-validating them: history must replay even if the
    /// rules for new input have since become stricter.
    public init(document: JSONValue) throws {
        let data = Data(document.encodedText().utf8)
        self = try JSONDecoder().decode(CustomerFields.self, from: data)
    }
}
