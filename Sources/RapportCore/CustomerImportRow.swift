import Foundation

/// One record of an imported customer file, turned into the customer document the API accepts, so that an imported
/// customer passes exactly the checks of one created through the API (`CustomerFieldsParser`). What the file spells
/// its own way is read here: several e-mails or phones in a cell, tags separated by 、 or ；, birthdays as
/// 2026/1/31, 2026年1月31日, 20260131 or an Excel day serial, consent as 是/否, kinds as 个人/企业. What a customer
/// export writes is read too (see `CustomerExportRow`): JSON cells, typed attributes, formula-guarded cells.
public struct CustomerImportRow: Sendable {
    public let mapping: CustomerImportMapping
    public let header: [String]
    /// The source system the file comes from, the key of `external_ids`.
    public let source: String
    let parser: CustomerFieldsParser

    /// The positions of a Rapport export's `number` and `created_at` columns, when the file has both.
    let identityColumns: (number: Int, createdAt: Int)?

    /// A reader of `header`'s records with `mapping`, for customers whose external IDs belong to `source`.
    public init(header: [String], mapping: CustomerImportMapping, source: String, defaultPhoneRegion: String) {
        self.header = header
        self.mapping = mapping
        self.source = source
        parser = CustomerFieldsParser(defaultPhoneRegion: defaultPhoneRegion)
        let ignored = { (title: String) in
            header.indices.first { header[$0] == title && mapping.columns[$0] == .ignore }
        }
        if let number = ignored("number"), let createdAt = ignored("created_at") {
            identityColumns = (number, createdAt)
        } else {
            identityColumns = nil
        }
    }

    /// The customer a record describes, and which of its fields the record gave (the keys of the API document:
    /// `name`, `phones`, …) — an update changes only those.
    /// - Throws: `ValidationError` whose fields are the file's column titles (`生日: '2025-02-30' is not a date`).
    public func parse(_ record: [String]) throws(ValidationError) -> (fields: CustomerFields, given: Set<String>) {
        let document = try document(of: record)
        return (try fields(of: document), Set(document.objectValue?.keys ?? [:].keys))
    }

    /// The customer a record of a Rapport export names (its `number` and `created_at`); nil for other files and for
    /// rows without them.
    public func exportedIdentity(of record: [String]) -> ExportedIdentity? {
        guard let (numberIndex, createdIndex) = identityColumns, numberIndex < record.count,
              createdIndex < record.count, let number = CustomerNumber(parsing: record[numberIndex]),
              let createdAt = RFC3339.parse(record[createdIndex])
        else { return nil }
        return ExportedIdentity(number: number, createdAt: createdAt)
    }

    /// The customer a record describes.
    /// - Throws: `ValidationError` whose fields are the file's column titles.
    public func fields(of record: [String]) throws(ValidationError) -> CustomerFields {
        try fields(of: try document(of: record))
    }

    private func fields(of document: JSONValue) throws(ValidationError) -> CustomerFields {
        do {
            return try parser.parse(document)
        } catch {
            throw error.renamingFields(title(ofPath:))
        }
    }

    /// The API document of a record, before the API's checks. Each cell is trimmed and loses the apostrophe an
    /// export puts before a value a spreadsheet would take for a formula (`DelimitedTextWriter.guardingFormula`).
    func document(of record: [String]) throws(ValidationError) -> JSONValue {
        var members: [String: JSONValue] = [:]
        var emails: [JSONValue] = [], phones: [JSONValue] = [], tags: [JSONValue] = [], social: [JSONValue] = []
        var address: [String: JSONValue] = [:], addresses: [JSONValue] = []
        var attributes: [String: JSONValue] = [:], consent: [String: JSONValue] = [:]
        var externalIDs: [String: JSONValue] = [:]
        var errors: [FieldError] = []
        for (index, column) in mapping.columns.enumerated() where index < record.count {
            let value = DelimitedTextWriter.unguardingFormula(
                TextNormalization.trimmed(record[index]))
            guard !value.isEmpty else { continue }
            let title = header[index]
            /// The cell as JSON of the expected type, or nil with the error recorded.
            func json(_ expected: String, _ fits: (JSONValue) -> Bool) -> JSONValue? {
                if let parsed = try? JSONValue.parse(Data(value.utf8)), fits(parsed) { return parsed }
                errors.append(FieldError(field: title, code: "invalid_json", message: "expected \(expected)"))
                return nil
            }
            switch column {
            case .name: members["name"] = .string(value)
            case .team: members["team"] = .string(value)
            case .source: members["source"] = .string(value)
            case .ownerID: members["owner_id"] = .string(value)
            case .email: emails += Self.entries(value, key: "address")
            case .phone: phones += Self.entries(value, key: "number")
            case .tags: tags += Self.jsonArray(value) ?? ImportCells.split(value).map(JSONValue.string)
            case .street: address["street"] = .string(value)
            case .district: address["district"] = .string(value)
            case .city: address["city"] = .string(value)
            case .province: address["province"] = .string(value)
            case .country: address["country"] = .string(value)
            case .postalCode: address["postal_code"] = .string(value)
            case .addresses:
                addresses += json("a JSON array of addresses", { $0.arrayValue != nil })?.arrayValue ?? []
            case .socialHandle(let network): social.append(["network": .string(network), "handle": .string(value)])
            case .social:
                social += json("a JSON array of {\"network\", \"handle\"} objects", { $0.arrayValue != nil })?
                    .arrayValue ?? []
            case .externalID: externalIDs[source] = .string(value)
            case .externalIDIn(let system): externalIDs[system] = .string(value)
            case .externalIDs:
                let object = json("a JSON object of source names to IDs", { $0.objectValue != nil })?.objectValue
                externalIDs.merge(object ?? [:]) { _, new in new }
            case .attribute(let key): attributes[key] = .string(value)
            case .typedAttribute(let key): attributes[key] = Self.typedValue(value)
            case .attributes:
                let object = json("a JSON object of attribute names to values", { $0.objectValue != nil })?.objectValue
                attributes.merge(object ?? [:]) { _, new in new }
            case .ignore: break
            case .kind:
                if let kind = Self.kind(value) {
                    members["kind"] = .string(kind.rawValue)
                } else {
                    errors.append(FieldError(field: title, code: "invalid",
                                             message: "'\(value)' is not a kind: 个人/person or 企业/organization"))
                }
            case .birthday:
                if let date = ImportCells.date(value) {
                    members["birthday"] = .string(date.description)
                } else {
                    errors.append(FieldError(field: title, code: "invalid_date", message: "'\(value)' is not a date "
                        + "(\(ImportCells.dateFormats))"))
                }
            case .consent(let channel):
                if let flag = ImportCells.flag(value) {
                    consent[channel] = .bool(flag)
                } else {
                    errors.append(FieldError(field: title, code: "invalid",
                                             message: "'\(value)' is not yes or no (是/否, true/false, 1/0)"))
                }
            }
        }
        if !errors.isEmpty { throw ValidationError(errors) }
        if !address.isEmpty { addresses.insert(.object(address), at: 0) }
        let lists = ["emails": emails, "phones": phones, "social": social, "addresses": addresses, "tags": tags]
        for (key, list) in lists where !list.isEmpty { members[key] = .array(list) }
        let objects = ["attributes": attributes, "consent": consent, "external_ids": externalIDs]
        for (key, object) in objects where !object.isEmpty { members[key] = .object(object) }
        return .object(members)
    }

    /// The file's title for a path of the API document (`emails[1].address` → 邮箱, `consent.sms` → 短信), else the
    /// path.
    private func title(ofPath path: String) -> String {
        let member = String(path.prefix { $0.isLetter || $0 == "_" })
        let key = path.dropFirst(member.count).hasPrefix(".") ? String(path.dropFirst(member.count + 1)) : ""
        let addressColumns: [CustomerColumn] = [.street, .district, .city, .province, .country, .postalCode, .addresses]
        let feeds: (CustomerColumn) -> Bool = switch member {
        case "name": { $0 == .name }
        case "kind": { $0 == .kind }
        case "emails": { $0 == .email }
        case "phones": { $0 == .phone }
        case "tags": { $0 == .tags }
        case "team": { $0 == .team }
        case "source": { $0 == .source }
        case "birthday": { $0 == .birthday }
        case "owner_id": { $0 == .ownerID }
        case "addresses": { addressColumns.contains($0) }
        case "consent": { $0 == .consent(key) }
        case "attributes": { [.attribute(key), .typedAttribute(key), .attributes].contains($0) }
        case "social":
            { if case .socialHandle = $0 { true } else { $0 == .social } }
        case "external_ids":
            { if case .externalIDIn = $0 { true } else { $0 == .externalID || $0 == .externalIDs } }
        default: { _ in false }
        }
        guard let index = mapping.columns.firstIndex(where: feeds) else { return path }
        return header[index]
    }

    /// The entries of an `email` or `phone` cell: a JSON array of entries (objects, or strings taken as the `key`),
    /// or values separated as `ImportCells.split(_:)` separates them.
    static func entries(_ value: String, key: String) -> [JSONValue] {
        if let items = jsonArray(value) {
            return items.map { item in item.stringValue.map { [key: .string($0)] } ?? item }
        }
        return ImportCells.split(value).map { [key: .string($0)] }
    }

    /// The items of a cell that is a JSON array; nil for any other cell, which is then read as separated values.
    static func jsonArray(_ value: String) -> [JSONValue]? {
        guard value.hasPrefix("[") else { return nil }
        return (try? JSONValue.parse(Data(value.utf8)))?.arrayValue
    }

    /// A typed attribute's cell: `true`, `false`, a JSON number or a JSON string literal as that value; anything else
    /// as the text it is.
    static func typedValue(_ value: String) -> JSONValue {
        guard let first = value.unicodeScalars.first, "\"-0123456789tf".unicodeScalars.contains(first),
            let parsed = try? JSONValue.parse(Data(value.utf8))
        else { return .string(value) }
        switch parsed {
        case .bool, .number, .string: return parsed
        default: return .string(value)
        }
    }

    // MARK: - Kinds as spreadsheets write them (`ImportCells` reads the values every import shares)

    static func kind(_ value: String) -> CustomerKind? {
        switch value.lowercased() {
        case "person", "individual", "个人", "自然人": .person
        case "organization", "organisation", "company", "business", "企业", "公司", "机构", "组织": .organization
        default: nil
        }
    }
}

/// A customer as a Rapport export names it: its number and the instant it was created. Numbers alone are not enough
/// across databases (another database's C-000001 is someone else); with the creation instant they are.
public struct ExportedIdentity: Hashable, Sendable {
    public let number: CustomerNumber
    public let createdAt: Date

    /// Creates an identity.
    public init(number: CustomerNumber, createdAt: Date) {
        self.number = number
        self.createdAt = createdAt
    }
}

extension CustomerFields {
    /// These fields with an imported row's laid over them: what the row gave replaces single values (name, kind,
    /// owner, team, source, birthday), and joins lists and maps — e-mails, phones, social handles, tags and addresses
    /// not yet held are added, attributes, consent and external IDs are set key by key. Nothing the row left out is
    /// lost, so importing the same row again changes nothing.
    public func merging(_ row: CustomerFields, given: Set<String>) -> CustomerFields {
        var merged = self
        if given.contains("name") { merged.name = row.name }
        if given.contains("kind") { merged.kind = row.kind }
        if given.contains("owner_id") { merged.ownerID = row.ownerID }
        if given.contains("team") { merged.team = row.team }
        if given.contains("source") { merged.source = row.source }
        if given.contains("birthday") { merged.birthday = row.birthday }
        merged.emails += row.emails.filter { email in !emails.contains { $0.address == email.address } }
            .map { EmailEntry(address: $0.address, label: $0.label, primary: emails.isEmpty && $0.primary) }
        merged.phones += row.phones.filter { phone in !phones.contains { $0.number == phone.number } }
            .map { PhoneEntry(number: $0.number, label: $0.label, primary: phones.isEmpty && $0.primary) }
        merged.social += row.social.filter { !social.contains($0) }
        merged.tags += row.tags.filter { !tags.contains($0) }
        merged.addresses += row.addresses.filter { !addresses.contains($0) }
        merged.attributes.merge(row.attributes) { _, new in new }
        merged.externalIDs.merge(row.externalIDs) { _, new in new }
        merged.consent = Consent(email: row.consent.email ?? consent.email, sms: row.consent.sms ?? consent.sms,
                                 phone: row.consent.phone ?? consent.phone, wechat: row.consent.wechat ?? consent.wechat)
        return merged
    }
}
