import Foundation

/// A customer 客户: a person or an organisation, as it stands now (or at some past instant, when replayed).
public struct Customer: Equatable, Sendable {
    /// Stable identifier used in URLs.
    public let id: UUID
    /// The human-readable number (`C-000123`), sequential and never reused.
    public let number: CustomerNumber
    /// Everything a user may set.
    public var fields: CustomerFields
    /// When the customer was created (its first event's `occurred_at`).
    public let createdAt: Date
    /// When it last changed (its latest event's `occurred_at`).
    public var updatedAt: Date
    /// When it was archived; nil while it is current.
    public var archivedAt: Date?
    /// Bumped on every change; the `ETag` of the resource.
    public var version: Int

    /// Creates a customer value.
    public init(
        id: UUID, number: CustomerNumber, fields: CustomerFields, createdAt: Date, updatedAt: Date,
        archivedAt: Date?, version: Int
    ) {
        self.id = id
        self.number = number
        self.fields = fields
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.archivedAt = archivedAt
        self.version = version
    }
}

/// A customer's sequential human number, shown as `C-000123`.
public struct CustomerNumber: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The sequence value.
    public let value: Int64

    /// Wraps a sequence value.
    public init(_ value: Int64) {
        self.value = value
    }

    /// Parses `C-000123` (case-insensitive, any number of digits); nil when the text is not a customer number.
    public init?(parsing text: String) {
        let upper = text.uppercased()
        guard upper.hasPrefix("C-"), let value = Int64(upper.dropFirst(2)), value > 0 else { return nil }
        self.value = value
    }

    /// `C-` and at least six digits.
    public var description: String {
        let digits = String(value)
        return "C-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// Orders by sequence value.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
}

/// Whether a customer is a person or an organisation.
public enum CustomerKind: String, Codable, CaseIterable, Sendable {
    case person
    case organization
}

/// The user-settable part of a customer, already normalised. Encodes with the API's snake_case keys; that JSON is
/// also what the `created` event snapshots and what `field_changed` events carry field by field.
public struct CustomerFields: Equatable, Sendable, Codable {
    public var kind: CustomerKind
    public var name: String
    public var emails: [EmailEntry]
    public var phones: [PhoneEntry]
    public var social: [SocialHandle]
    public var addresses: [PostalAddress]
    public var tags: [String]
    public var attributes: [String: JSONValue]
    public var ownerID: UUID?
    public var team: String?
    public var source: String?
    public var birthday: CalendarDate?
    public var consent: Consent
    public var externalIDs: [String: String]

    /// Creates fields; everything but the name has an empty default.
    public init(
        kind: CustomerKind = .person, name: String, emails: [EmailEntry] = [], phones: [PhoneEntry] = [],
        social: [SocialHandle] = [], addresses: [PostalAddress] = [], tags: [String] = [],
        attributes: [String: JSONValue] = [:], ownerID: UUID? = nil, team: String? = nil, source: String? = nil,
        birthday: CalendarDate? = nil, consent: Consent = Consent(), externalIDs: [String: String] = [:]
    ) {
        self.kind = kind
        self.name = name
        self.emails = emails
        self.phones = phones
        self.social = social
        self.addresses = addresses
        self.tags = tags
        self.attributes = attributes
        self.ownerID = ownerID
        self.team = team
        self.source = source
        self.birthday = birthday
        self.consent = consent
        self.externalIDs = externalIDs
    }

    /// The JSON keys of the settable fields, in the order events and documents list them.
    public static let keys: [String] = CodingKeys.allCases.map(\.rawValue)

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, name, emails, phones, social, addresses, tags, attributes
        case ownerID = "owner_id"
        case team, source, birthday, consent
        case externalIDs = "external_ids"
    }

    /// Decodes stored fields leniently: a missing collection is empty, a missing optional is nil.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decodeIfPresent(CustomerKind.self, forKey: .kind) ?? .person
        name = try c.decode(String.self, forKey: .name)
        emails = try c.decodeIfPresent([EmailEntry].self, forKey: .emails) ?? []
        phones = try c.decodeIfPresent([PhoneEntry].self, forKey: .phones) ?? []
        social = try c.decodeIfPresent([SocialHandle].self, forKey: .social) ?? []
        addresses = try c.decodeIfPresent([PostalAddress].self, forKey: .addresses) ?? []
        tags = try c.decodeIfPresent([String].self, forKey: .tags) ?? []
        attributes = try c.decodeIfPresent([String: JSONValue].self, forKey: .attributes) ?? [:]
        ownerID = try c.decodeIfPresent(UUID.self, forKey: .ownerID)
        team = try c.decodeIfPresent(String.self, forKey: .team)
        source = try c.decodeIfPresent(String.self, forKey: .source)
        birthday = try c.decodeIfPresent(CalendarDate.self, forKey: .birthday)
        consent = try c.decodeIfPresent(Consent.self, forKey: .consent) ?? Consent()
        externalIDs = try c.decodeIfPresent([String: String].self, forKey: .externalIDs) ?? [:]
    }

    /// Encodes with the API's keys, every key present (null when unset), the owner's UUID in lower case as everywhere
    /// in the API. The stored document is this encoding, so the API can send it without decoding it again.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(name, forKey: .name)
        try c.encode(emails, forKey: .emails)
        try c.encode(phones, forKey: .phones)
        try c.encode(social, forKey: .social)
        try c.encode(addresses, forKey: .addresses)
        try c.encode(tags, forKey: .tags)
        try c.encode(attributes, forKey: .attributes)
        try c.encode(ownerID?.uuidString.lowercased(), forKey: .ownerID)
        try c.encode(team, forKey: .team)
        try c.encode(source, forKey: .source)
        try c.encode(birthday, forKey: .birthday)
        try c.encode(consent, forKey: .consent)
        try c.encode(externalIDs, forKey: .externalIDs)
    }
}

/// An e-mail address of a customer.
public struct EmailEntry: Equatable, Sendable, Codable {
    /// Normalised address (lower-case).
    public var address: String
    /// Free label such as `work` or `home`.
    public var label: String?
    /// Whether this is the address to use first; exactly one entry of a non-empty list is primary.
    public var primary: Bool

    /// Creates an entry.
    public init(address: String, label: String? = nil, primary: Bool = false) {
        self.address = address
        self.label = label
        self.primary = primary
    }
}

/// A telephone number of a customer.
public struct PhoneEntry: Equatable, Sendable, Codable {
    /// E.164 number (`+8613800138000`).
    public var number: String
    /// Free label such as `mobile` or `office`.
    public var label: String?
    /// Whether this is the number to call first; exactly one entry of a non-empty list is primary.
    public var primary: Bool

    /// Creates an entry.
    public init(number: String, label: String? = nil, primary: Bool = false) {
        self.number = number
        self.label = label
        self.primary = primary
    }
}

/// A handle on a social network (WeChat, Weibo, …).
public struct SocialHandle: Equatable, Sendable, Codable {
    /// Lower-case network name: `wechat`, `weibo`, `douyin`, `linkedin`, …
    public var network: String
    /// The handle or ID on that network.
    public var handle: String

    /// Creates a handle.
    public init(network: String, handle: String) {
        self.network = network
        self.handle = handle
    }
}

/// A postal address 地址, in the order a Chinese address is written from the largest unit down.
public struct PostalAddress: Equatable, Sendable, Codable {
    public var label: String?
    public var country: String?
    public var province: String?
    public var city: String?
    public var district: String?
    public var street: String?
    public var postalCode: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case label, country, province, city, district, street
        case postalCode = "postal_code"
    }

    /// Creates an address.
    public init(
        label: String? = nil, country: String? = nil, province: String? = nil, city: String? = nil,
        district: String? = nil, street: String? = nil, postalCode: String? = nil
    ) {
        self.label = label
        self.country = country
        self.province = province
        self.city = city
        self.district = district
        self.street = street
        self.postalCode = postalCode
    }
}

/// Marketing consent per channel: true opted in, false opted out, nil never asked.
public struct Consent: Equatable, Sendable, Codable {
    public var email: Bool?
    public var sms: Bool?
    public var phone: Bool?
    public var wechat: Bool?

    /// The channel names, as JSON keys.
    public static let channels = ["email", "sms", "phone", "wechat"]

    /// Creates consent flags; all unknown by default.
    public init(email: Bool? = nil, sms: Bool? = nil, phone: Bool? = nil, wechat: Bool? = nil) {
        self.email = email
        self.sms = sms
        self.phone = phone
        self.wechat = wechat
    }
}

/// A day without a time or zone, such as a birthday, written `YYYY-MM-DD`.
public struct CalendarDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Parses `YYYY-MM-DD`; nil unless it names a real day of the Gregorian calendar.
    public init?(parsing text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), day >= 1, day <= CalendarDate.daysIn(month: month, year: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// A date from its parts; nil unless it is a day of the calendar (years 1 to 9999).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
              day <= CalendarDate.daysIn(month: month, year: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The day with this day number (days since 1970-01-01).
    public init(dayNumber: Int) {
        let (year, month, day) = CivilCalendar.date(ofDay: Int64(dayNumber))
        self.year = Int(year)
        self.month = Int(month)
        self.day = Int(day)
    }

    /// Days since 1970-01-01, the numbering of `BusinessDay`.
    public var dayNumber: Int {
        Int(CivilCalendar.dayNumber(year: Int64(year), month: Int64(month), day: Int64(day)))
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return padded(year, 4) + "-" + padded(month, 2) + "-" + padded(day, 2)
    }

    /// Decodes from `YYYY-MM-DD`.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = CalendarDate(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: text))
        }
        self = date
    }

    /// Encodes as `YYYY-MM-DD`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Orders by day.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
