import Foundation

/// The CSV form of customers: a header, then one record per customer, which `DelimitedTextReader`, the automatic
/// `CustomerImportMapping(header:)` and `CustomerImportRow.parse` read back into exactly the same `CustomerFields`.
///
/// The columns, in order:
///
/// | column | holds |
/// | --- | --- |
/// | `number` | `C-000123`; read-only |
/// | `name`, `kind` | as in the API |
/// | `email`, `phone` | `a@x.cn; b@x.cn` — the primary first, no labels — else a JSON array of the API's entries |
/// | `social.<network>` | one handle, for each network the export was given |
/// | `social` | the handles the `social.<network>` columns cannot hold in order, as a JSON array |
/// | `country` … `street`, `postal_code` | the customer's one address, when it has one and it has no label |
/// | `addresses` | otherwise the addresses, as a JSON array |
/// | `tags` | `vip; 茶友`, else (a tag holding a separator) a JSON array |
/// | `attribute.<key>` | for each attribute key given: text, or JSON where text would not read back (`100`, `"true"`) |
/// | `attributes` | the other attributes, as a JSON object |
/// | `owner_id`, `team`, `source`, `birthday` | as in the API |
/// | `consent.email`, `consent.sms`, `consent.phone`, `consent.wechat` | `true`, `false` or empty for never asked |
/// | `external_id.<source>` | for each source system the export was given |
/// | `external_ids` | the other external IDs, as a JSON object |
/// | `created_at`, `updated_at`, `archived_at` | RFC 3339 times; read-only |
///
/// An empty cell is an empty list or an unset value. Import ignores the read-only columns: an imported customer gets
/// the next number and the time of the import, and is current even if it was archived. The per-key columns are for
/// people reading the file; whatever has no column of its own goes into the JSON cells, so nothing is lost whichever
/// keys are given. Write records with `DelimitedTextWriter.record(_:delimiter:guardingFormulas:)`, whose formula
/// guard import undoes.
public struct CustomerExportRow: Sendable {
    /// The column titles.
    public let header: [String]
    private let columns: [Column]
    private let attributeKeys: Set<String>
    private let externalIDSources: Set<String>
    private let socialNetworks: [String]

    /// The columns for customers with these attribute keys, external ID sources and social networks, each of which
    /// gets a column of its own, in the order given. A key that cannot be a column title (empty, white space at an
    /// end, control characters) is left to the JSON cells.
    public init(attributeKeys: [String] = [], externalIDSources: [String] = [], socialNetworks: [String] = []) {
        func titled(_ keys: [String]) -> [String] {
            var seen = Set<String>()
            return keys.filter { Self.canTitle($0) && seen.insert($0).inserted }
        }
        let attributeKeys = titled(attributeKeys), sources = titled(externalIDSources)
        let networks = titled(socialNetworks)
        // Not `id` first: Excel takes a file that starts with "ID" for a SYLK file and refuses it.
        var columns: [Column] = [.number, .name, .kind, .email, .phone]
        columns += networks.map(Column.socialHandle) + [.social]
        columns += [.country, .province, .city, .district, .street, .postalCode, .addresses, .tags]
        columns += attributeKeys.map(Column.attribute) + [.attributes, .ownerID, .team, .source, .birthday]
        columns += Consent.channels.map(Column.consent)
        columns += sources.map(Column.externalID) + [.externalIDs, .createdAt, .updatedAt, .archivedAt]
        self.columns = columns
        self.attributeKeys = Set(attributeKeys)
        self.externalIDSources = Set(sources)
        self.socialNetworks = networks
        header = columns.map(\.title)
    }

    /// The record of a customer, a value per column of `header`.
    public func record(_ customer: Customer) -> [String] {
        record(number: customer.number, fields: customer.fields, createdAt: customer.createdAt,
               updatedAt: customer.updatedAt, archivedAt: customer.archivedAt)
    }

    /// The record of a customer given by its parts, a value per column of `header`.
    public func record(
        number: CustomerNumber, fields: CustomerFields, createdAt: Date, updatedAt: Date, archivedAt: Date?
    ) -> [String] {
        let document = fields.document.objectValue ?? [:]
        func json(_ key: String) -> String { document[key]?.encodedText() ?? "" }
        let plainAddress = fields.addresses.count == 1 && fields.addresses[0].label == nil ? fields.addresses[0] : nil
        let socialHandles = handlesByNetwork(fields.social)
        let attributes = fields.attributes.filter { !(attributeKeys.contains($0.key) && $0.value.isScalar) }
        let externalIDs = fields.externalIDs.filter { !externalIDSources.contains($0.key) }
        return columns.map { column in
            switch column {
            case .number: number.description
            case .name: fields.name
            case .kind: fields.kind.rawValue
            case .email:
                Self.plainEntries(fields.emails.map { ($0.address, $0.label, $0.primary) }) ?? json("emails")
            case .phone:
                Self.plainEntries(fields.phones.map { ($0.number, $0.label, $0.primary) }) ?? json("phones")
            case .socialHandle(let network): socialHandles?[network] ?? ""
            case .social: socialHandles == nil ? json("social") : ""
            case .country: plainAddress?.country ?? ""
            case .province: plainAddress?.province ?? ""
            case .city: plainAddress?.city ?? ""
            case .district: plainAddress?.district ?? ""
            case .street: plainAddress?.street ?? ""
            case .postalCode: plainAddress?.postalCode ?? ""
            case .addresses: plainAddress == nil && !fields.addresses.isEmpty ? json("addresses") : ""
            case .tags: Self.plainList(fields.tags) ?? json("tags")
            case .attribute(let key):
                fields.attributes[key].flatMap { $0.isScalar && $0 != .null ? Self.typedCell($0) : nil } ?? ""
            case .attributes: attributes.isEmpty ? "" : JSONValue.object(attributes).encodedText()
            case .ownerID: fields.ownerID.map { UUIDText.format($0) } ?? ""
            case .team: fields.team ?? ""
            case .source: fields.source ?? ""
            case .birthday: fields.birthday?.description ?? ""
            case .consent(let channel): Self.flag(fields.consent, channel)
            case .externalID(let source): fields.externalIDs[source] ?? ""
            case .externalIDs:
                externalIDs.isEmpty ? "" : JSONValue.object(externalIDs.mapValues(JSONValue.string)).encodedText()
            case .createdAt: RFC3339.format(createdAt)
            case .updatedAt: RFC3339.format(updatedAt)
            case .archivedAt: archivedAt.map(RFC3339.format) ?? ""
            }
        }
    }

    /// A typed attribute cell (`CustomerColumn.typedAttribute`): a string as itself when it reads back as that
    /// string (`金卡`, `007`), other scalars as JSON (`100`, `true`), and a string that would read back as something
    /// else (`100`, `true`, text with white space at an end or control characters) as a JSON string literal
    /// (`"100"`).
    public static func typedCell(_ value: JSONValue) -> String {
        guard case .string(let text) = value else { return value.encodedText() }
        let plain = !text.isEmpty && text.trimmingCharacters(in: .whitespacesAndNewlines) == text
            && !text.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\n" }
            && CustomerImportRow.typedValue(text) == value
        return plain ? text : JSONValue.quoted(text)
    }

    /// The handles as cells of the `social.<network>` columns, or nil when those cannot hold them all in order (a
    /// network without a column, one listed twice, or an order other than the columns').
    private func handlesByNetwork(_ social: [SocialHandle]) -> [String: String]? {
        var handles: [String: String] = [:]
        var lastColumn = -1
        for handle in social {
            guard let column = socialNetworks.firstIndex(of: handle.network), column > lastColumn else { return nil }
            lastColumn = column
            handles[handle.network] = handle.handle
        }
        return handles
    }

    /// `a; b` for entries without labels whose first is the primary, when import splits it back into the same
    /// values; nil otherwise.
    private static func plainEntries(_ entries: [(value: String, label: String?, primary: Bool)]) -> String? {
        guard entries.allSatisfy({ $0.label == nil }), entries.first?.primary ?? true else { return nil }
        return plainList(entries.map(\.value))
    }

    /// `a; b` when import splits it back into `values`, and does not take it for a JSON array; nil otherwise.
    private static func plainList(_ values: [String]) -> String? {
        let text = values.joined(separator: "; ")
        guard !text.hasPrefix("["), ImportCells.split(text) == values else { return nil }
        return text
    }

    private static func flag(_ consent: Consent, _ channel: String) -> String {
        let flag: Bool? = switch channel {
        case "email": consent.email
        case "sms": consent.sms
        case "phone": consent.phone
        case "wechat": consent.wechat
        default: nil
        }
        return flag.map { $0 ? "true" : "false" } ?? ""
    }

    /// Whether a key can follow `attribute.` in a title and be read back from it.
    private static func canTitle(_ key: String) -> Bool {
        !key.isEmpty && key.trimmingCharacters(in: .whitespacesAndNewlines) == key
            && !key.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    private enum Column {
        case number, name, kind, email, phone, social, country, province, city, district, street, postalCode
        case addresses, tags, attributes, ownerID, team, source, birthday, externalIDs, createdAt, updatedAt
        case archivedAt
        case socialHandle(String), attribute(String), consent(String), externalID(String)

        /// The title, which `CustomerColumn.guess` maps back to the matching `CustomerColumn`.
        var title: String {
            switch self {
            case .number: "number"
            case .name: "name"
            case .kind: "kind"
            case .email: "email"
            case .phone: "phone"
            case .social: "social"
            case .country: "country"
            case .province: "province"
            case .city: "city"
            case .district: "district"
            case .street: "street"
            case .postalCode: "postal_code"
            case .addresses: "addresses"
            case .tags: "tags"
            case .attributes: "attributes"
            case .ownerID: "owner_id"
            case .team: "team"
            case .source: "source"
            case .birthday: "birthday"
            case .externalIDs: "external_ids"
            case .createdAt: "created_at"
            case .updatedAt: "updated_at"
            case .archivedAt: "archived_at"
            case .socialHandle(let network): "social.\(network)"
            case .attribute(let key): "attribute.\(key)"
            case .consent(let channel): "consent.\(channel)"
            case .externalID(let source): "external_id.\(source)"
            }
        }
    }
}
