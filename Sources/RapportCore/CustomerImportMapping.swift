import Foundation

/// Where an imported column's values go in a customer.
///
/// Besides the columns spreadsheets have, there are those `CustomerExportRow` writes, so that an export imports back
/// to the same customers: their cells are JSON where a spreadsheet cell cannot hold the value plainly (several
/// addresses, labelled e-mails, attributes that are numbers).
public enum CustomerColumn: ImportColumn {
    /// Single values and lists of contact points. An `email` or `phone` cell holds several values separated by
    /// , ; / | 、, or a JSON array of entries (`[{"address": "…", "label": "work", "primary": true}]`); a `tags`
    /// cell holds separated tags or a JSON array of strings.
    case name, kind, email, phone, street, district, city, province, country, postalCode, birthday, tags, source, team
    /// The UUID of the user who owns the customer.
    case ownerID
    /// The customer's ID in the source system (`--source`), kept in `external_ids`.
    case externalID
    /// The customer's ID in the named source system (`external_id.erp`), whatever the import's `--source`.
    case externalIDIn(String)
    /// External IDs as a JSON object of source names to IDs.
    case externalIDs
    /// The customer's handle on the named network (`social.wechat`).
    case socialHandle(String)
    /// Social handles as a JSON array of `{"network": …, "handle": …}` objects.
    case social
    /// Postal addresses as a JSON array of address objects, after the one the address columns give.
    case addresses
    /// A consent flag: yes/no, 是/否, true/false, 1/0.
    case consent(String)
    /// Anything else is kept, as text, under its header in `attributes`.
    case attribute(String)
    /// An attribute whose cell is a JSON scalar when it reads as one (`100`, `1.5`, `true`, `"007"`) and text
    /// otherwise: the columns `CustomerExportRow` titles `attribute.<key>`.
    case typedAttribute(String)
    /// Attributes as a JSON object of keys to strings, numbers or booleans.
    case attributes
    /// A column the user chose to leave out (`--map "备注=ignore"`), or one an export writes that import does not
    /// set (`number`, `created_at`, `updated_at`, `archived_at`).
    case ignore

    /// As `--map` writes it: `phone`, `consent.sms`, `attribute.会员等级`, `external_id.erp`, `ignore`.
    public var description: String {
        switch self {
        case .consent(let channel): "consent.\(channel)"
        case .attribute(let key): "attribute.\(key)"
        case .typedAttribute(let key): "typed_attribute.\(key)"
        case .externalIDIn(let source): "external_id.\(source)"
        case .socialHandle(let network): "social.\(network)"
        default: Self.named.first { $0.value == self }?.key ?? "ignore"
        }
    }

    /// The target of a `--map` entry.
    public init?(spelled text: String) {
        if let column = Self.named[text] {
            self = column
        } else if text.hasPrefix("consent."), Consent.channels.contains(String(text.dropFirst(8))) {
            self = .consent(String(text.dropFirst(8)))
        } else if let key = Self.suffix(of: text, after: "attribute.") {
            self = .attribute(key)
        } else if let key = Self.suffix(of: text, after: "typed_attribute.") {
            self = .typedAttribute(key)
        } else if let source = Self.suffix(of: text, after: "external_id.") {
            self = .externalIDIn(source)
        } else if let network = Self.suffix(of: text, after: "social.") {
            self = .socialHandle(network)
        } else {
            return nil
        }
    }

    /// What follows `prefix` in `text`, when `text` starts with it and something follows.
    private static func suffix(of text: String, after prefix: String) -> String? {
        guard text.hasPrefix(prefix), text.count > prefix.count else { return nil }
        return String(text.dropFirst(prefix.count))
    }

    /// Whether several columns may feed it (contact points, tags, attributes of different keys).
    public var takesSeveral: Bool {
        switch self {
        case .email, .phone, .tags, .ignore: true
        default: false
        }
    }

    static let named: [String: CustomerColumn] = [
        "name": .name, "kind": .kind, "email": .email, "phone": .phone, "street": .street, "district": .district,
        "city": .city, "province": .province, "country": .country, "postal_code": .postalCode,
        "birthday": .birthday, "tags": .tags, "source": .source, "team": .team, "external_id": .externalID,
        "owner_id": .ownerID, "external_ids": .externalIDs, "social": .social, "addresses": .addresses,
        "attributes": .attributes, "ignore": .ignore,
    ]
}

/// Which column of an imported customer file feeds which customer field: found from common English and Chinese
/// headers (姓名, 手机, 邮箱, 地址, 城市, 生日, …), overridden by the user's `--map "手机号=phone,客户编号=external_id"`;
/// other columns become attributes. A file without a name column is refused.
public typealias CustomerImportMapping = ImportMapping<CustomerColumn>

extension CustomerColumn {
    /// The targets `--map` accepts by name alone, sorted (the keyed ones — `attribute.<key>`, `consent.<channel>`, … —
    /// are not listed).
    public static var targetNames: [String] {
        named.keys.sorted()
    }

    /// The targets `--map` accepts, for messages.
    public static var targets: String {
        targetNames.joined(separator: ", ")
            + ", consent.<channel>, attribute.<key>, typed_attribute.<key>, external_id.<source>, social.<network>"
    }

    /// A customer file needs a name column.
    public static func missing(in columns: [CustomerColumn]) -> [FieldError] {
        guard !columns.contains(.name) else { return [] }
        return [FieldError(field: "map", code: "no_name",
                           message: "no column holds the customer's name (姓名, name, …); name one with "
                               + "--map \"COLUMN=name\"")]
    }

    /// The field a header names: the titles `CustomerExportRow` writes, then the usual English and Chinese spellings;
    /// otherwise an attribute.
    public static func guess(_ header: String) -> CustomerColumn {
        if let column = exported(header) { return column }
        return synonyms[key(header)] ?? .attribute(header)
    }

    /// The column of a title as `CustomerExportRow` writes it, exactly: the read-only `number`, `created_at`,
    /// `updated_at` and `archived_at` are ignored (an import cannot set them; a new customer gets the next number),
    /// `attribute.<key>` is a typed attribute, and the other targets `--map` spells (`owner_id`, `consent.sms`,
    /// `external_id.erp`, `social.wechat`, `addresses`, …) are themselves. Nil for other titles.
    static func exported(_ header: String) -> CustomerColumn? {
        if readOnlyTitles.contains(header) { return .ignore }
        if header.hasPrefix("attribute."), header.count > 10 { return .typedAttribute(String(header.dropFirst(10))) }
        // A column that happens to be called "ignore" is kept, as before.
        guard header != "ignore" else { return nil }
        return CustomerColumn(spelled: header)
    }

    /// The columns an export writes that hold what the server sets.
    static let readOnlyTitles: Set<String> = ["number", "created_at", "updated_at", "archived_at"]

    private static let synonyms: [String: CustomerColumn] = {
        let lists: [(CustomerColumn, [String])] = [
            (.name, ["name", "fullname", "customer", "customername", "contact", "contactname", "姓名", "客户名称",
                     "客户姓名", "名称", "客户", "联系人", "会员姓名"]),
            (.kind, ["kind", "type", "customertype", "类型", "客户类型"]),
            (.email, ["email", "mail", "emailaddress", "邮箱", "电子邮件", "电子邮箱", "邮件", "邮箱地址"]),
            (.phone, ["phone", "mobile", "tel", "telephone", "cell", "phonenumber", "mobilephone", "手机", "手机号",
                      "手机号码", "电话", "联系电话", "电话号码", "联系方式"]),
            (.street, ["address", "street", "streetaddress", "地址", "详细地址", "街道", "收货地址", "联系地址"]),
            (.district, ["district", "county", "区", "区县", "县区"]),
            (.city, ["city", "城市", "市", "所在城市"]),
            (.province, ["province", "state", "省", "省份", "所在省份"]),
            (.country, ["country", "国家", "国家地区"]),
            (.postalCode, ["zip", "zipcode", "postcode", "postalcode", "邮编", "邮政编码"]),
            (.birthday, ["birthday", "dob", "birthdate", "dateofbirth", "生日", "出生日期", "出生年月日"]),
            (.tags, ["tags", "tag", "labels", "label", "标签", "客户标签"]),
            (.source, ["source", "channel", "来源", "渠道", "客户来源"]),
            (.team, ["team", "department", "团队", "部门", "所属团队"]),
            (.externalID, ["externalid", "id", "customerid", "customerno", "customernumber", "客户编号", "编号",
                           "会员号", "会员编号", "客户id", "会员id"]),
        ]
        var synonyms: [String: CustomerColumn] = [:]
        for (column, names) in lists {
            for name in names { synonyms[name] = column }
        }
        return synonyms
    }()
}
