import Foundation

/// How two records of one customer become one (客户数据整合, domain/002): the survivor keeps its identity, and its
/// fields take, field by field, the most recently set non-empty value of the two; contact points, social handles,
/// addresses and tags are joined; attributes, consent and external IDs are joined key by key, the more recently set
/// side winning where both have a key.
public enum CustomerMerge {
    /// The single-valued fields, by their document keys.
    static let singleFields = ["name", "kind", "owner_id", "team", "source", "birthday"]

    /// The survivor's fields after taking in `other`'s. `survivorSetAt` and `otherSetAt` give, per document key, when
    /// each side last set that field (its creation when it never changed it).
    public static func fields(
        survivor: CustomerFields, survivorSetAt: [String: Date], other: CustomerFields, otherSetAt: [String: Date]
    ) -> CustomerFields {
        func otherIsNewer(_ key: String) -> Bool {
            (otherSetAt[key] ?? .distantPast) > (survivorSetAt[key] ?? .distantPast)
        }
        var given: Set<String> = []
        for key in singleFields where other.has(key) && (!survivor.has(key) || otherIsNewer(key)) {
            given.insert(key)
        }
        var incoming = other
        if !otherIsNewer("attributes") {
            incoming.attributes = other.attributes.filter { survivor.attributes[$0.key] == nil }
        }
        if !otherIsNewer("external_ids") {
            incoming.externalIDs = other.externalIDs.filter { survivor.externalIDs[$0.key] == nil }
        }
        if !otherIsNewer("consent") {
            let kept = survivor.consent
            incoming.consent = Consent(
                email: kept.email == nil ? other.consent.email : nil, sms: kept.sms == nil ? other.consent.sms : nil,
                phone: kept.phone == nil ? other.consent.phone : nil,
                wechat: kept.wechat == nil ? other.consent.wechat : nil)
        }
        return survivor.merging(incoming, given: given)
    }
}

extension CustomerFields {
    /// Whether a single-valued field holds a value (a name always does; an empty text counts as none).
    fileprivate func has(_ key: String) -> Bool {
        switch key {
        case "name": !name.isEmpty
        case "kind": true
        case "owner_id": ownerID != nil
        case "team": !(team ?? "").isEmpty
        case "source": !(source ?? "").isEmpty
        case "birthday": birthday != nil
        default: false
        }
    }
}

extension EventKind {
    /// Another record of the same customer was merged into this one (`new_value` {merge_id, merged: its number}).
    public static let merged = EventKind(rawValue: "merged")
    /// This record was merged into another and archived (`new_value` {merge_id, survivor: its number}).
    public static let mergedInto = EventKind(rawValue: "merged_into")
}
