import Foundation

/// The rules of a data-subject erasure (PIPL art. 47, GDPR art. 17): what of a customer is personal data and is
/// removed, what Rapport keeps, and how past events are rewritten so that history still replays.
///
/// An erased customer becomes a tombstone: its number, `kind`, `owner_id`, `team` and `source` stay, its name becomes
/// `marker`, and every other field is emptied. The kept fields are the business's own bookkeeping, not facts about
/// the person: owner and team decide who may see the record and whose figures its purchases count in, `source` is
/// the channel that brought it (and scopes its transactions' external IDs), `kind` says person or organisation. Tags
/// are removed with the rest: they are free text a user typed about the person.
public enum CustomerErasure {
    /// The name an erased customer carries, and the subject of its interactions and the reason of its manual stages.
    public static let marker = "[erased]"

    /// The fields an erasure keeps, by API key.
    public static let keptFields: Set<String> = ["kind", "owner_id", "team", "source"]

    /// The fields an erasure replaces with the tombstone's value, by API key, in `CustomerFields.keys` order.
    public static let personalFields: [String] = CustomerFields.keys.filter { !keptFields.contains($0) }

    /// The tombstone of a customer's fields: `kind`, owner, team and source kept, the name `marker`, the rest empty.
    public static func tombstone(of fields: CustomerFields) -> CustomerFields {
        CustomerFields(
            kind: fields.kind, name: marker, ownerID: fields.ownerID, team: fields.team, source: fields.source)
    }

    /// Whether the fields are already a tombstone (nothing personal is left in them).
    public static func isTombstone(_ fields: CustomerFields) -> Bool {
        fields == tombstone(of: fields)
    }

    /// The tombstone's value of each personal field, as events and documents hold it.
    static let blankValues: [String: JSONValue] = CustomerFields(name: marker).document.objectValue ?? [:]

    /// The values an event must hold once its customer is erased; nil when it holds nothing personal and stays as
    /// it is.
    ///
    /// - `created`: its snapshot's personal fields take the tombstone's values (the kept ones stay as they were then,
    ///   so that later changes of owner or team still replay in order).
    /// - `field_changed` of a personal field: the tombstone's value on both sides, so that the change's time and
    ///   author stay, and an `as_of` replay shows the tombstone at every past instant.
    /// - `interaction`: the subject becomes `marker`, notes and outcome null.
    /// - `stage_overridden`: the reason a person typed becomes `marker`.
    public static func scrubbed(_ event: NewChangeEvent) -> (oldValue: JSONValue?, newValue: JSONValue?)? {
        switch event.kind {
        case .created:
            guard case .object(var document)? = event.newValue else { return nil }
            for key in personalFields { document[key] = blankValues[key] ?? .null }
            return (event.oldValue, .object(document))
        case .fieldChanged:
            guard let field = event.field, personalFields.contains(field) else { return nil }
            let blank = blankValues[field] ?? .null
            return (blank, blank)
        case .interaction:
            guard let payload = event.newValue else { return nil }
            return (event.oldValue, scrubbedInteraction(payload))
        case .stageOverridden:
            guard case .object(var detail)? = event.newValue, detail["reason"] != nil else { return nil }
            detail["reason"] = .string(marker)
            return (event.oldValue, .object(detail))
        default:
            return nil
        }
    }

    /// An interaction document (`Interaction.json`) without its free text: subject `marker`, notes and outcome null.
    public static func scrubbedInteraction(_ payload: JSONValue) -> JSONValue {
        guard case .object(var members) = payload else { return payload }
        members["subject"] = .string(marker)
        members["notes"] = .null
        members["outcome"] = .null
        return .object(members)
    }
}

extension CustomerErasure {
    /// Validates the optional body of an erase request: an empty object. An erasure takes no options, and a member
    /// sent by mistake is refused rather than ignored.
    /// - Throws: `ValidationError` naming every unknown member.
    public static func parseRequest(_ document: JSONValue) throws(ValidationError) {
        guard let members = document.objectValue else {
            throw ValidationError(field: "", code: "wrong_type", message: "expected a JSON object")
        }
        guard members.isEmpty else {
            throw ValidationError(members.keys.sorted().map {
                FieldError(field: $0, code: "unknown_field", message: "unknown field; an erasure takes no options")
            })
        }
    }
}
