import Foundation

/// One record of an imported customer file, turned into the customer document the API accepts, so that an imported
/// customer passes exactly the checks of one created through the API (`CustomerFieldsParser`). What the file spells
/// its own way is read here: several e-mails or phones in a cell, tags separated by 、 or ；, birthdays as
/// 2026/1/31, 2026年1月31日, 20260131 or an Excel day serial, consent as 是/否, kinds as 个人/企业.
public struct CustomerImportRow: Sendable {
    public let mapping: CustomerImportMapping
    public let header: [String]
    /// The source system the file comes from, the key of `external_ids`.
    public let source: String
    let parser: CustomerFieldsParser

    /// A reader of `header`'s records with `mapping`, for customers whose external IDs belong to `source`.
    public init(header: [String], mapping: CustomerImportMapping, source: String, defaultPhoneRegion: String) {
        self.header = header
        self.mapping = mapping
        self.source = source
        parser = CustomerFieldsParser(defaultPhoneRegion: defaultPhoneRegion)
    }

    /// The customer a record describes, and which of its fields the record gave (the keys of the API document:
    /// `name`, `phones`, …) — an update changes only those.
    /// - Throws: `ValidationError` whose fields are the file's column titles (`生日: '2025-02-30' is not a date`).
    public func parse(_ record: [String]) throws(ValidationError) -> (fields: CustomerFields, given: Set<String>) {
        let document = try document(of: record)
        return (try fields(of: document), Set(document.objectValue?.keys ?? [:].keys))
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
            throw ValidationError(error.errors.map { error in
                FieldError(field: title(ofPath: error.field), code: error.code, message: error.message)
            })
        }
    }

    /// The API document of a record, before the API's checks.
    func document(of record: [String]) throws(ValidationError) -> JSONValue {
        var members: [String: JSONValue] = [:]
        var emails: [JSONValue] = [], phones: [JSONValue] = [], tags: [JSONValue] = []
        var address: [String: JSONValue] = [:]
        var attributes: [String: JSONValue] = [:]
        var consent: [String: JSONValue] = [:]
        var errors: [FieldError] = []
        for (index, column) in mapping.columns.enumerated() where index < record.count {
            let value = record[index].trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else { continue }
            let title = header[index]
            switch column {
            case .name: members["name"] = .string(value)
            case .team: members["team"] = .string(value)
            case .source: members["source"] = .string(value)
            case .email: emails += Self.split(value).map { ["address": .string($0)] }
            case .phone: phones += Self.split(value).map { ["number": .string($0)] }
            case .tags: tags += Self.split(value).map(JSONValue.string)
            case .street: address["street"] = .string(value)
            case .district: address["district"] = .string(value)
            case .city: address["city"] = .string(value)
            case .province: address["province"] = .string(value)
            case .country: address["country"] = .string(value)
            case .postalCode: address["postal_code"] = .string(value)
            case .externalID: members["external_ids"] = [source: .string(value)]
            case .attribute(let key): attributes[key] = .string(value)
            case .ignore: break
            case .kind:
                if let kind = Self.kind(value) {
                    members["kind"] = .string(kind.rawValue)
                } else {
                    errors.append(FieldError(field: title, code: "invalid",
                                             message: "'\(value)' is not a kind: 个人/person or 企业/organization"))
                }
            case .birthday:
                if let date = Self.date(value) {
                    members["birthday"] = .string(date.description)
                } else {
                    errors.append(FieldError(field: title, code: "invalid_date", message: "'\(value)' is not a date "
                        + "(2026-01-31, 2026/1/31, 2026年1月31日, 20260131)"))
                }
            case .consent(let channel):
                if let flag = Self.flag(value) {
                    consent[channel] = .bool(flag)
                } else {
                    errors.append(FieldError(field: title, code: "invalid",
                                             message: "'\(value)' is not yes or no (是/否, true/false, 1/0)"))
                }
            }
        }
        if !errors.isEmpty { throw ValidationError(errors) }
        if !emails.isEmpty { members["emails"] = .array(emails) }
        if !phones.isEmpty { members["phones"] = .array(phones) }
        if !tags.isEmpty { members["tags"] = .array(tags) }
        if !address.isEmpty { members["addresses"] = [.object(address)] }
        if !attributes.isEmpty { members["attributes"] = .object(attributes) }
        if !consent.isEmpty { members["consent"] = .object(consent) }
        return .object(members)
    }

    /// The file's title for a path of the API document (`emails[1].address` → 邮箱), else the path.
    private func title(ofPath path: String) -> String {
        let member = String(path.prefix { $0.isLetter || $0 == "_" })
        let column: CustomerColumn? = switch member {
        case "name": .name
        case "kind": .kind
        case "emails": .email
        case "phones": .phone
        case "tags": .tags
        case "team": .team
        case "source": .source
        case "birthday": .birthday
        case "external_ids": .externalID
        default: nil
        }
        guard let column, let index = mapping.columns.firstIndex(of: column) else { return path }
        return header[index]
    }

    // MARK: - Values as spreadsheets write them

    /// The parts of a cell holding several values: separated by , ; / | 、 or their full-width forms.
    static func split(_ value: String) -> [String] {
        TextNormalization.halfWidth(value).split { ",;/|、".contains($0) }
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// A day written as 2026-01-31, 2026/1/31, 2026.1.31, 2026年1月31日, 20260131 (a time after it ignored), or as
    /// a five-digit Excel day serial (days since 1899-12-30: 1927 to 2173).
    static func date(_ text: String) -> CalendarDate? {
        let value = TextNormalization.halfWidth(text).split(separator: " ").first.map(String.init) ?? ""
        if value.count == 8, value.allSatisfy(\.isASCII), let _ = Int(value) {
            return CalendarDate(parsing: "\(value.prefix(4))-\(value.dropFirst(4).prefix(2))-\(value.suffix(2))")
        }
        if value.count == 5, let serial = Int(value) {
            return CalendarDate(dayNumber: serial - 25_569)
        }
        let parts = value.replacingOccurrences(of: "日", with: "").split { "-/.年月".contains($0) }
        guard parts.count == 3, parts[0].count == 4, let year = Int(parts[0]), let month = Int(parts[1]),
            let day = Int(parts[2])
        else { return nil }
        return CalendarDate(parsing: String(format: "%04d-%02d-%02d", year, month, day))
    }

    static func kind(_ value: String) -> CustomerKind? {
        switch value.lowercased() {
        case "person", "individual", "个人", "自然人": .person
        case "organization", "organisation", "company", "business", "企业", "公司", "机构", "组织": .organization
        default: nil
        }
    }

    static func flag(_ value: String) -> Bool? {
        switch TextNormalization.halfWidth(value).lowercased() {
        case "yes", "y", "true", "1", "是", "同意", "允许", "√": true
        case "no", "n", "false", "0", "否", "不同意", "拒绝", "×": false
        default: nil
        }
    }
}

extension CustomerFields {
    /// These fields with an imported row's laid over them: what the row gave replaces single values (name, kind,
    /// team, source, birthday), and joins lists and maps — e-mails, phones, tags and addresses not yet held are
    /// added, attributes, consent and external IDs are set key by key. Nothing the row left out is lost, so importing
    /// the same row again changes nothing.
    public func merging(_ row: CustomerFields, given: Set<String>) -> CustomerFields {
        var merged = self
        if given.contains("name") { merged.name = row.name }
        if given.contains("kind") { merged.kind = row.kind }
        if given.contains("team") { merged.team = row.team }
        if given.contains("source") { merged.source = row.source }
        if given.contains("birthday") { merged.birthday = row.birthday }
        merged.emails += row.emails.filter { email in !emails.contains { $0.address == email.address } }
            .map { EmailEntry(address: $0.address, label: $0.label, primary: emails.isEmpty && $0.primary) }
        merged.phones += row.phones.filter { phone in !phones.contains { $0.number == phone.number } }
            .map { PhoneEntry(number: $0.number, label: $0.label, primary: phones.isEmpty && $0.primary) }
        merged.tags += row.tags.filter { !tags.contains($0) }
        merged.addresses += row.addresses.filter { !addresses.contains($0) }
        merged.attributes.merge(row.attributes) { _, new in new }
        merged.externalIDs.merge(row.externalIDs) { _, new in new }
        merged.consent = Consent(email: row.consent.email ?? consent.email, sms: row.consent.sms ?? consent.sms,
                                 phone: row.consent.phone ?? consent.phone, wechat: row.consent.wechat ?? consent.wechat)
        return merged
    }
}
