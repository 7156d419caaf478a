import Foundation

/// Where an imported interaction column's values go.
public enum InteractionColumn: String, ImportColumn, CaseIterable {
    /// The customer: its ID or external ID in the source (`客户编号`), its number, its e-mail or phone.
    case customerID = "customer_id", customerNumber = "customer_number", email = "customer_email"
    case phone = "customer_phone"
    /// Rapport's ID of the interaction (an export's `id`); any other value is taken as the external ID.
    case id
    /// The interaction's ID in the source system (`记录编号`).
    case externalID = "external_id"
    /// 电话/phone, 微信/wechat, 邮件/email, 面谈/拜访/in_person, 短信/sms, 在线/chat, 网站/web, 社交/social, 其他/other.
    case channel
    /// 呼入/inbound, 呼出/outbound; a file without this column is outbound.
    case direction
    case occurredAt = "occurred_at"
    case subject, notes, outcome
    /// Seconds, `05:30`, `1:05:30`, `5分30秒`, `1小时5分`.
    case duration
    /// 1 to 5, also as stars (`★★★★`).
    case quality
    /// Rapport's ID of the user who handled it.
    case userID = "user_id"
    /// Left out: `--map "附件=ignore"`, `recorded_at` of an export, and unknown columns.
    case ignore

    /// As `--map` writes it.
    public var description: String { rawValue }

    /// The target of a `--map` entry.
    public init?(spelled text: String) {
        self.init(rawValue: text)
    }

    /// Several columns may give e-mail addresses or phone numbers, or be ignored.
    public var takesSeveral: Bool { self == .ignore || self == .email || self == .phone }

    /// The targets `--map` accepts, for messages.
    public static var targets: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// An interaction file needs its customer, its time, its channel, and a subject or notes.
    public static func missing(in columns: [InteractionColumn]) -> [FieldError] {
        var errors: [FieldError] = []
        if !columns.contains(where: { [.customerID, .customerNumber, .email, .phone].contains($0) }) {
            errors.append(FieldError(field: "map", code: "no_customer",
                                     message: "no column names the customer (客户编号, customer_id, 手机, 邮箱, …); "
                                         + "name one with --map \"COLUMN=customer_id\""))
        }
        for (column, what) in [(InteractionColumn.occurredAt, "the time (时间, 日期, date, …)"),
                               (.channel, "the channel (渠道, 方式, channel: 电话, 微信, 面谈, …)")]
        where !columns.contains(column) {
            errors.append(FieldError(field: "map", code: "no_\(column.rawValue)",
                                     message: "no column gives \(what); name one with --map \"COLUMN=\(column)\""))
        }
        if !columns.contains(.subject), !columns.contains(.notes) {
            errors.append(FieldError(field: "map", code: "no_subject",
                                     message: "no column gives the subject (主题) or notes (备注, 内容); name one with "
                                         + "--map \"COLUMN=subject\""))
        }
        return errors
    }

    /// The columns of an interaction export by their exact titles, then the usual spellings; unknown columns are
    /// ignored (and shown as such before the import starts).
    public static func guess(_ header: String) -> InteractionColumn {
        if header == "recorded_at" { return .ignore }
        if header == "duration_seconds" { return .duration }
        return InteractionColumn(rawValue: header) ?? synonyms[key(header)] ?? .ignore
    }

    private static let synonyms: [String: InteractionColumn] = {
        let lists: [(InteractionColumn, [String])] = [
            (.customerID, ImportReferenceColumns.customerID),
            (.customerNumber, ImportReferenceColumns.customerNumber),
            (.email, ImportReferenceColumns.email), (.phone, ImportReferenceColumns.phone),
            (.externalID, ["externalid", "interactionid", "recordid", "callid", "记录编号", "互动编号", "记录id",
                           "通话id", "通话编号", "工单号"]),
            (.channel, ["channel", "type", "渠道", "方式", "沟通方式", "互动方式", "接触方式", "联系渠道", "类型"]),
            (.direction, ["direction", "方向", "呼叫方向", "呼入呼出", "呼叫类型"]),
            (.occurredAt, ["occurredat", "date", "time", "datetime", "日期", "时间", "联系时间", "沟通时间", "通话时间",
                           "互动时间", "拜访时间", "开始时间"]),
            (.subject, ["subject", "title", "topic", "主题", "标题", "事由", "话题"]),
            (.notes, ["notes", "note", "content", "description", "details", "remark", "remarks", "备注", "内容",
                      "记录", "详情", "沟通内容", "通话内容", "说明", "沟通记录"]),
            (.outcome, ["outcome", "result", "结果", "沟通结果", "处理结果"]),
            (.duration, ["duration", "durationseconds", "length", "时长", "通话时长", "持续时间"]),
            (.quality, ["quality", "rating", "score", "评分", "质量", "满意度", "评价"]),
            (.userID, ["userid"]),
        ]
        var synonyms: [String: InteractionColumn] = [:]
        for (column, names) in lists {
            for name in names { synonyms[name] = column }
        }
        return synonyms
    }()
}

/// One record of an interaction file, turned into the document `InteractionImportDocument` reads — the API's
/// interaction with the customer named by `CustomerReference`'s keys — so a row passes exactly the checks of one
/// logged through the API. Read here: channels and directions as people write them (电话, 微信, 面谈, 呼入/呼出),
/// times in `zone`, durations such as `5分30秒` or `05:30`, ratings as stars. A row without a subject takes the first
/// line of its notes (up to 60 characters); a file without a direction column is outbound.
public struct InteractionImportRow: Sendable {
    /// The file's column titles.
    public let header: [String]
    /// Where each column goes.
    public let mapping: ImportMapping<InteractionColumn>
    /// The document reader every row goes through.
    public let reader: InteractionImportDocument
    /// Where times without an offset are read.
    public let zone: TimeZone

    /// A reader of `header`'s records with `mapping`.
    public init(header: [String], mapping: ImportMapping<InteractionColumn>, reader: InteractionImportDocument,
                zone: TimeZone) {
        self.header = header
        self.mapping = mapping
        self.reader = reader
        self.zone = zone
    }

    /// The interaction a record describes.
    /// - Throws: `ValidationError` whose fields are the file's column titles (`渠道: '飞鸽' is not a channel …`).
    public func parse(_ record: [String]) throws(ValidationError) -> InteractionImport {
        let document = try document(of: record)
        do {
            return try reader.parse(document)
        } catch {
            throw error.renamingFields(title(ofPath:))
        }
    }

    /// The import document of a record, before the API's checks.
    func document(of record: [String]) throws(ValidationError) -> JSONValue {
        var members: [String: JSONValue] = [:]
        var emails: [JSONValue] = [], phones: [JSONValue] = []
        var errors: [FieldError] = []
        for (index, column) in mapping.columns.enumerated() where index < record.count {
            let value = DelimitedTextWriter.unguardingFormula(
                record[index].trimmingCharacters(in: .whitespacesAndNewlines))
            guard !value.isEmpty, column != .ignore else { continue }
            let title = header[index]
            func fail(_ code: String, _ message: String) {
                errors.append(FieldError(field: title, code: code, message: message))
            }
            switch column {
            case .customerID: members["customer_id"] = .string(value)
            case .customerNumber: members["customer_number"] = .string(value)
            case .email: emails += ImportCells.split(value).map(JSONValue.string)
            case .phone: phones += ImportCells.split(value).map(JSONValue.string)
            case .id: members["id"] = .string(value)
            case .externalID: members["external_id"] = .string(value)
            case .subject: members["subject"] = .string(value)
            case .notes: members["notes"] = .string(value)
            case .outcome: members["outcome"] = .string(value)
            case .userID: members["user_id"] = .string(value)
            case .channel:
                if let channel = Self.channel(value) {
                    members["channel"] = .string(channel.rawValue)
                } else {
                    fail("invalid_value", "'\(value)' is not a channel: 电话/phone, 微信/wechat, 邮件/email, "
                             + "面谈/in_person, 短信/sms, 在线/chat, 网站/web, 社交/social, 其他/other")
                }
            case .direction:
                if let direction = Self.direction(value) {
                    members["direction"] = .string(direction.rawValue)
                } else {
                    fail("invalid_value", "'\(value)' is not a direction: 呼入/inbound or 呼出/outbound")
                }
            case .occurredAt:
                if let instant = ImportCells.instant(value, in: zone) {
                    members["occurred_at"] = .string(RFC3339.format(instant))
                } else {
                    fail("invalid_time", "'\(value)' is not a date or time (\(ImportCells.instantFormats))")
                }
            case .duration:
                if let seconds = ImportCells.seconds(value) {
                    members["duration_seconds"] = .number(Double(seconds))
                } else {
                    fail("invalid_duration", "'\(value)' is not a duration (\(ImportCells.durationFormats))")
                }
            case .quality:
                if let quality = Self.quality(value) {
                    members["quality"] = .number(Double(quality))
                } else {
                    fail("invalid_value", "'\(value)' is not a rating from 1 to 5")
                }
            case .ignore: break
            }
        }
        if !emails.isEmpty { members["customer_email"] = .array(emails) }
        if !phones.isEmpty { members["customer_phone"] = .array(phones) }
        if !mapping.columns.contains(.direction) { members["direction"] = .string("outbound") }
        if members["subject"] == nil, let notes = members["notes"]?.stringValue {
            let first = notes.split(whereSeparator: \.isNewline).first.map(String.init) ?? notes
            members["subject"] = .string(first.count > 60 ? String(first.prefix(59)) + "…" : first)
        }
        if !errors.isEmpty { throw ValidationError(errors) }
        return .object(members)
    }

    /// A channel as people write it.
    static func channel(_ value: String) -> InteractionChannel? {
        let key = TextNormalization.halfWidth(value).lowercased().filter { !" _-".contains($0) }
        if let channel = InteractionChannel(rawValue: key) { return channel }
        let names: [(InteractionChannel, [String])] = [
            (.phone, ["电话", "手机", "致电", "来电", "去电", "呼叫", "通话", "电话沟通", "call", "telephone", "tel"]),
            (.email, ["邮件", "电子邮件", "邮箱", "mail", "email"]),
            (.wechat, ["微信", "企业微信", "企微", "weixin", "wx"]),
            (.social, ["社交", "社交媒体", "微博", "抖音", "小红书", "weibo"]),
            (.chat, ["在线", "在线客服", "聊天", "在线聊天", "客服", "即时通讯", "qq", "im", "livechat"]),
            (.inPerson, ["面谈", "拜访", "上门", "面访", "会面", "到店", "来访", "见面", "当面", "inperson", "visit",
                         "meeting", "facetoface"]),
            (.web, ["网站", "官网", "网页", "website"]),
            (.sms, ["短信", "text"]),
            (.other, ["其他", "其它"]),
        ]
        return names.first { $0.1.contains(key) }?.0
    }

    /// A direction as people write it.
    static func direction(_ value: String) -> InteractionDirection? {
        switch TextNormalization.clean(value).lowercased() {
        case "inbound", "in", "incoming", "呼入", "来电", "入", "打入", "接听", "来访", "客户来电", "客户来访", "收到":
            .inbound
        case "outbound", "out", "outgoing", "呼出", "去电", "出", "打出", "拨出", "外呼", "回访", "主动", "发出":
            .outbound
        default: nil
        }
    }

    /// A rating: a whole number (`4`, `4.0`, `4分`, `4星`) or stars (`★★★★☆` is 4).
    static func quality(_ value: String) -> Int64? {
        let text = TextNormalization.clean(value)
        if text.contains("★") { return Int64(text.filter { $0 == "★" }.count) }
        var number = text
        if let last = number.last, "分星".contains(last) { number.removeLast() }
        return ImportCells.wholeNumber(number)
    }

    /// The file's column titles of the document's top-level members, for the store's messages (`external_id` →
    /// 订单号).
    public var titles: [String: String] {
        var titles: [String: String] = [:]
        for key in CustomerReference.keys + ["customer", "id", "external_id", "kind", "occurred_at", "currency",
                                             "amount_minor", "refund_of", "channel", "user_id"] {
            let title = title(ofPath: key)
            if title != key { titles[key] = title }
        }
        return titles
    }

    /// The file's title for a path of the import document, else the path.
    func title(ofPath path: String) -> String {
        let member = String(path.prefix { $0.isLetter || $0 == "_" })
        let candidates: [InteractionColumn] = switch member {
        case "customer_id", "customer_external_id": [.customerID]
        case "customer_number": [.customerNumber]
        case "customer_email": [.email]
        case "customer_phone": [.phone]
        case "customer": [.customerID, .customerNumber, .phone, .email]
        case "id": [.id]
        case "external_id": [.externalID, .id]
        case "channel": [.channel]
        case "direction": [.direction]
        case "occurred_at": [.occurredAt]
        case "subject": [.subject, .notes]
        case "notes": [.notes]
        case "outcome": [.outcome]
        case "duration_seconds": [.duration]
        case "quality": [.quality]
        case "user_id": [.userID]
        default: []
        }
        for column in candidates {
            if let title = mapping.title(in: header, where: { $0 == column }) { return title }
        }
        return path
    }
}
