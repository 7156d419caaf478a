import Foundation
import Leaf
import RapportCore
import Vapor

/// The customer edit form: the fields a person edits by hand, turned into a JSON merge patch that the API's parser
/// validates, so a page and the API accept and refuse exactly the same values. Only what the form changed goes into
/// the patch: labels and the primary flag of contact points the user left alone are kept.
struct CustomerEditForm: Content {
    var name: String?
    /// One phone number per line.
    var phones: String?
    /// One e-mail address per line.
    var emails: String?
    var province: String?
    var city: String?
    var district: String?
    var street: String?
    /// Separated by commas (either width) or lines.
    var tags: String?
    var team: String?
    var source: String?
    var birthday: String?
    var version: String?

    init(_ fields: CustomerFields) {
        name = fields.name
        phones = fields.phones.map(\.number).joined(separator: "\n")
        emails = fields.emails.map(\.address).joined(separator: "\n")
        let address = fields.addresses.first
        province = address?.province
        city = address?.city
        district = address?.district
        street = address?.street
        tags = fields.tags.joined(separator: ", ")
        team = fields.team
        source = fields.source
        birthday = fields.birthday?.description
    }

    var values: LeafData {
        .dictionary([
            "name": .string(name ?? ""), "phones": .string(phones ?? ""), "emails": .string(emails ?? ""),
            "province": .string(province ?? ""), "city": .string(city ?? ""), "district": .string(district ?? ""),
            "street": .string(street ?? ""), "tags": .string(tags ?? ""), "team": .string(team ?? ""),
            "source": .string(source ?? ""), "birthday": .string(birthday ?? ""),
        ])
    }

    /// The merge patch of what differs from `current`.
    func patch(onto current: CustomerFields) -> JSONValue {
        var patch: [String: JSONValue] = [:]
        if let name, name != current.name { patch["name"] = .string(name) }
        let phoneLines = Self.lines(phones)
        if phoneLines != current.phones.map(\.number) {
            patch["phones"] = Self.contactList(phoneLines, current: current.phones.map { ($0.number, $0.label, $0.primary) },
                                               key: "number")
        }
        let emailLines = Self.lines(emails)
        if emailLines != current.emails.map(\.address) {
            patch["emails"] = Self.contactList(emailLines,
                                               current: current.emails.map { ($0.address, $0.label, $0.primary) },
                                               key: "address")
        }
        let place = [province, city, district, street].map { Self.trimmed($0) }
        let first = current.addresses.first
        if place != [first?.province, first?.city, first?.district, first?.street] {
            var rest = current.addresses.dropFirst().map(Self.addressJSON)
            if place.contains(where: { $0 != nil }) {
                var object: [String: JSONValue] = first.map { Self.addressJSON($0).objectValue ?? [:] } ?? [:]
                for (key, value) in zip(["province", "city", "district", "street"], place) {
                    object[key] = value.map(JSONValue.string) ?? .null
                }
                rest.insert(.object(object.filter { $0.value != .null }), at: 0)
            }
            patch["addresses"] = .array(rest)
        }
        let tagList = (tags ?? "").split(whereSeparator: { ",，、\n\r".contains($0) })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if tagList != current.tags { patch["tags"] = .array(tagList.map(JSONValue.string)) }
        if Self.trimmed(team) != current.team { patch["team"] = Self.trimmed(team).map(JSONValue.string) ?? .null }
        if Self.trimmed(source) != current.source {
            patch["source"] = Self.trimmed(source).map(JSONValue.string) ?? .null
        }
        if Self.trimmed(birthday) != current.birthday?.description {
            patch["birthday"] = Self.trimmed(birthday).map(JSONValue.string) ?? .null
        }
        return .object(patch)
    }

    /// The form's inputs each error belongs to, with its message in the page's language; errors of fields the form
    /// does not show go under `general`.
    static func errorsByInput(_ errors: [FieldError], request: Request) -> [String: LeafData] {
        var inputs: [String: LeafData] = [:]
        let shown: Set = ["name", "phones", "emails", "tags", "team", "source", "birthday"]
        for error in errors {
            let head = String(error.field.prefix { $0 != "[" && $0 != "." })
            let last = String(error.field.split(separator: ".").last ?? "")
            let input = shown.contains(head) ? head
                : head == "addresses" && ["province", "city", "district", "street"].contains(last) ? last : "general"
            if inputs[input] == nil { inputs[input] = .string(message(error, request: request)) }
        }
        return inputs
    }

    /// An error's message in the page's language when the catalogue knows its code, else the parser's own words.
    static func message(_ error: FieldError, request: Request) -> String {
        request.said("field_error.\(error.code)", otherwise: error.message)
    }

    /// A stored attribute as text: strings as they are, anything else as compact JSON.
    static func plain(_ value: JSONValue?) -> String {
        guard let value else { return "" }
        if let text = value.stringValue { return text }
        guard let data = try? JSONEncoder().encode(value) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    private static func lines(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }

    private static func trimmed(_ text: String?) -> String? {
        let value = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        return value.isEmpty ? nil : value
    }

    /// Entries as the API takes them. A line keeps the label and primary flag of the entry it matches — the same
    /// text, or else the entry on the same line whose text is gone (an edited number) — and the first line is primary
    /// unless a kept entry already is.
    private static func contactList(_ lines: [String], current: [(text: String, label: String?, primary: Bool)],
                                    key: String) -> JSONValue {
        let kept = lines.enumerated().map { index, line -> (label: String?, primary: Bool) in
            if let same = current.first(where: { $0.text == line }) { return (same.label, same.primary) }
            if index < current.count, !lines.contains(current[index].text) {
                return (current[index].label, current[index].primary)
            }
            return (nil, false)
        }
        let keptPrimary = kept.contains { $0.primary }
        return .array(zip(lines, kept).enumerated().map { index, pair in
            var object: [String: JSONValue] = [key: .string(pair.0),
                                               "primary": .bool(keptPrimary ? pair.1.primary : index == 0)]
            if let label = pair.1.label { object["label"] = .string(label) }
            return .object(object)
        })
    }

    private static func addressJSON(_ address: PostalAddress) -> JSONValue {
        let parts: [(String, String?)] = [("label", address.label), ("country", address.country),
                                          ("province", address.province), ("city", address.city),
                                          ("district", address.district), ("street", address.street),
                                          ("postal_code", address.postalCode)]
        return .object(Dictionary(uniqueKeysWithValues: parts.compactMap { key, value in
            value.map { (key, JSONValue.string($0)) }
        }))
    }
}

/// The quick "log a call / visit / message" form of the 360 page, as the interaction document the API takes.
struct InteractionForm: Content {
    var channel: String?
    var direction: String?
    var subject: String?
    var notes: String?
    var outcome: String?
    var quality: String?

    var values: LeafData {
        .dictionary([
            "channel": .string(channel ?? ""), "direction": .string(direction ?? ""), "subject": .string(subject ?? ""),
            "notes": .string(notes ?? ""), "outcome": .string(outcome ?? ""), "quality": .string(quality ?? ""),
        ])
    }

    func document(customerID: UUID, at time: Date, userID: UUID) -> JSONValue {
        var object: [String: JSONValue] = [
            "customer_id": .string(UUIDText.format(customerID)), "occurred_at": .string(RFC3339.format(time)),
            "user_id": .string(UUIDText.format(userID)),
            "channel": .string(channel ?? ""), "direction": .string(direction ?? ""), "subject": .string(subject ?? ""),
        ]
        if let notes, !notes.isEmpty { object["notes"] = .string(notes) }
        if let outcome, !outcome.isEmpty { object["outcome"] = .string(outcome) }
        if let quality, !quality.isEmpty { object["quality"] = Int64(quality).map { .number(Double($0)) } ?? .string(quality) }
        return .object(object)
    }
}
