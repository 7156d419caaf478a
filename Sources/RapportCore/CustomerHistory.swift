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
    /// The fields as a JSON object with the API's keys, every key present: the tree `encode(to:)` gives (optional
    /// members of entries left out when nil), built directly because it is made on every write and every `created`
    /// event, where a generic encoder cost more than the database's work.
    public var document: JSONValue {
        func members(_ pairs: KeyValuePairs<String, String?>) -> JSONValue {
            var object: [String: JSONValue] = [:]
            for (key, value) in pairs { if let value { object[key] = .string(value) } }
            return .object(object)
        }
        var consent: [String: JSONValue] = [:]
        for (channel, flag) in [("email", self.consent.email), ("sms", self.consent.sms),
                                ("phone", self.consent.phone), ("wechat", self.consent.wechat)]
        {
            if let flag { consent[channel] = .bool(flag) }
        }
        return .object([
            "kind": .string(kind.rawValue),
            "name": .string(name),
            "emails": .array(emails.map { entry in
                var object = ["address": JSONValue.string(entry.address), "primary": .bool(entry.primary)]
                if let label = entry.label { object["label"] = .string(label) }
                return .object(object)
            }),
            "phones": .array(phones.map { entry in
                var object = ["number": JSONValue.string(entry.number), "primary": .bool(entry.primary)]
                if let label = entry.label { object["label"] = .string(label) }
                return .object(object)
            }),
            "social": .array(social.map { .object(["network": .string($0.network), "handle": .string($0.handle)]) }),
            "addresses": .array(addresses.map { address in
                members(["label": address.label, "country": address.country, "province": address.province,
                         "city": address.city, "district": address.district, "street": address.street,
                         "postal_code": address.postalCode])
            }),
            "tags": .array(tags.map(JSONValue.string)),
            "attributes": .object(attributes),
            "owner_id": ownerID.map { .string($0.uuidString.lowercased()) } ?? .null,
            "team": team.map(JSONValue.string) ?? .null,
            "source": source.map(JSONValue.string) ?? .null,
            "birthday": birthday.map { .string($0.description) } ?? .null,
            "consent": .object(consent),
            "external_ids": .object(externalIDs.mapValues(JSONValue.string)),
        ])
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
