import Foundation

/// Where an imported transaction column's values go.
public enum TransactionColumn: String, ImportColumn, CaseIterable {
    /// The customer: its ID or external ID in the source (`客户编号`), its number, its e-mail or phone.
    case customerID = "customer_id", customerNumber = "customer_number", email = "customer_email"
    case phone = "customer_phone"
    /// The order number (`订单号`): the transaction's external ID.
    case externalID = "external_id"
    /// 购买/退款, purchase/refund; without it a negative amount is a refund and anything else a purchase.
    case kind
    /// The day and time of the order (`下单时间`), in `--timezone` unless it says otherwise.
    case occurredAt = "occurred_at"
    /// The amount in major units as people write it (`¥1,234.50`); negative for a refund.
    case amount
    /// The amount in minor units (what an export writes).
    case amountMinor = "amount_minor"
    case currency, channel
    /// The ID or order number of the purchase a refund refunds (`原订单号`).
    case refundOf = "refund_of"
    /// One product line per row: code, name, category, quantity, unit price in major units.
    case sku, productName = "product_name", category, quantity, unitPrice = "unit_price"
    /// The lines as a JSON array (what an export writes).
    case lines
    /// Left out: `--map "备注=ignore"`, the members an export writes that the server sets, and unknown columns.
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

    /// A transaction file needs its customer, its time and its amount (or lines to add up).
    public static func missing(in columns: [TransactionColumn]) -> [FieldError] {
        var errors: [FieldError] = []
        if !columns.contains(where: { [.customerID, .customerNumber, .email, .phone].contains($0) }) {
            errors.append(FieldError(field: "map", code: "no_customer",
                                     message: "no column names the customer (客户编号, customer_id, 手机, 邮箱, …); "
                                         + "name one with --map \"COLUMN=customer_id\""))
        }
        if !columns.contains(.occurredAt) {
            errors.append(FieldError(field: "map", code: "no_time",
                                     message: "no column gives the date (日期, 下单时间, date, …); name one with "
                                         + "--map \"COLUMN=occurred_at\""))
        }
        if !columns.contains(where: { [.amount, .amountMinor, .unitPrice, .lines].contains($0) }) {
            errors.append(FieldError(field: "map", code: "no_amount",
                                     message: "no column gives the amount (金额, 实付金额, amount, …) or a unit price; "
                                         + "name one with --map \"COLUMN=amount\""))
        }
        return errors
    }

    /// The columns of a transaction export by their exact titles, then the usual spellings; unknown columns are
    /// ignored (and shown as such before the import starts).
    public static func guess(_ header: String) -> TransactionColumn {
        if ["id", "recorded_at", "refunded_minor"].contains(header) { return .ignore }
        return TransactionColumn(rawValue: header) ?? synonyms[key(header)] ?? .ignore
    }

    private static let synonyms: [String: TransactionColumn] = {
        let lists: [(TransactionColumn, [String])] = [
            (.customerID, ImportReferenceColumns.customerID),
            (.customerNumber, ImportReferenceColumns.customerNumber),
            (.email, ImportReferenceColumns.email), (.phone, ImportReferenceColumns.phone),
            (.externalID, ["externalid", "order", "orderid", "orderno", "ordernumber", "transactionid", "订单号",
                           "订单编号", "单号", "交易号", "交易编号", "交易单号", "流水号", "订单id"]),
            (.kind, ["kind", "type", "transactiontype", "类型", "交易类型", "业务类型", "单据类型"]),
            (.occurredAt, ["occurredat", "date", "time", "datetime", "orderdate", "ordertime", "paidat", "日期",
                           "时间", "下单时间", "交易时间", "付款时间", "支付时间", "交易日期", "订单日期", "下单日期",
                           "成交时间", "创建时间"]),
            (.amount, ["amount", "total", "totalamount", "paid", "paidamount", "金额", "实付金额", "支付金额", "实付款",
                       "订单金额", "交易金额", "实收金额", "总金额", "小计"]),
            (.currency, ["currency", "币种", "货币", "币别"]),
            (.channel, ["channel", "渠道", "销售渠道", "下单渠道", "平台"]),
            (.refundOf, ["refundof", "originalorder", "原订单号", "原订单", "原单号", "退款订单号", "关联订单号"]),
            (.sku, ["sku", "productcode", "itemcode", "productid", "itemid", "商品编码", "商品编号", "货号", "商品id",
                    "sku编码"]),
            (.productName, ["productname", "product", "item", "itemname", "商品名称", "商品", "品名", "商品名",
                            "产品名称", "产品"]),
            (.category, ["category", "品类", "类目", "分类", "商品分类", "类别"]),
            (.quantity, ["quantity", "qty", "数量", "件数", "购买数量"]),
            (.unitPrice, ["unitprice", "price", "单价", "价格", "商品单价", "售价"]),
        ]
        var synonyms: [String: TransactionColumn] = [:]
        for (column, names) in lists {
            for name in names { synonyms[name] = column }
        }
        return synonyms
    }()
}

/// Header spellings of the columns that name a customer, shared by transaction and interaction files. `客户编号`
/// and its kin hold the customer's external ID in the source, or its number.
enum ImportReferenceColumns {
    static let customerID = ["customerid", "客户编号", "客户id", "客户代码", "会员号", "会员编号", "会员id", "memberid",
                             "buyerid", "买家id", "customerno", "客户号"]
    static let customerNumber = ["customernumber"]
    static let email = ["email", "mail", "emailaddress", "customeremail", "邮箱", "电子邮件", "电子邮箱", "邮箱地址",
                        "客户邮箱"]
    static let phone = ["phone", "mobile", "tel", "telephone", "cell", "phonenumber", "mobilephone", "customerphone",
                        "手机", "手机号", "手机号码", "电话", "联系电话", "电话号码", "客户手机", "买家手机"]
}

/// One record of a transaction file, turned into the document `TransactionImportDocument` reads — the API's
/// transaction with the customer named by `CustomerReference`'s keys — so a row passes exactly the checks of a
/// transaction recorded through the API. What spreadsheets spell their own way is read here: amounts with symbols
/// and separators (`ImportCells.money`), days and times in `zone` (`ImportCells.instant`), 购买/退款, quantities such
/// as `2件`. A row with a product (code or name) is one line: its unit price, when missing, is its amount divided
/// by its quantity (1 unless given), and its amount, when missing, the line's total.
public struct TransactionImportRow: Sendable {
    /// The file's column titles.
    public let header: [String]
    /// Where each column goes.
    public let mapping: ImportMapping<TransactionColumn>
    /// The document reader every row goes through.
    public let reader: TransactionImportDocument
    /// Where times without an offset are read.
    public let zone: TimeZone

    /// A reader of `header`'s records with `mapping`.
    public init(header: [String], mapping: ImportMapping<TransactionColumn>, reader: TransactionImportDocument,
                zone: TimeZone) {
        self.header = header
        self.mapping = mapping
        self.reader = reader
        self.zone = zone
    }

    /// The transaction a record describes.
    /// - Throws: `ValidationError` whose fields are the file's column titles (`金额: '1.234,50' is not an amount`).
    public func parse(_ record: [String]) throws(ValidationError) -> TransactionImport {
        let document = try document(of: record)
        do {
            return try reader.parse(document)
        } catch {
            throw error.renamingFields(title(ofPath:))
        }
    }

    /// The order number a record gives, if any: consecutive records with the same one are one order
    /// (`TransactionOrders`).
    public func orderNumber(of record: [String]) -> String? {
        guard let index = mapping.columns.firstIndex(of: .externalID), index < record.count else { return nil }
        let value = TextNormalization.clean(DelimitedTextWriter.unguardingFormula(record[index]))
        return value.isEmpty ? nil : value
    }

    /// The import document of a record, before the API's checks.
    func document(of record: [String]) throws(ValidationError) -> JSONValue {
        var members: [String: JSONValue] = [:]
        var emails: [JSONValue] = [], phones: [JSONValue] = []
        var line: [String: JSONValue] = [:]
        var errors: [FieldError] = []
        var amount: ImportCells.Money?, unitPrice: Int64?, quantity: Int64?, currency: String?
        let base = reader.parser.baseCurrency
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
            case .externalID: members["external_id"] = .string(value)
            case .channel: members["channel"] = .string(value)
            case .refundOf: members["refund_of"] = .string(value)
            case .currency: currency = ImportCells.currencyCode(value)
            case .kind:
                if let kind = Self.kind(value) {
                    members["kind"] = .string(kind.rawValue)
                } else {
                    fail("invalid_value", "'\(value)' is not a kind: 购买/purchase or 退款/refund")
                }
            case .occurredAt:
                if let instant = ImportCells.instant(value, in: zone) {
                    members["occurred_at"] = .string(RFC3339.format(instant))
                } else {
                    fail("invalid_time", "'\(value)' is not a date or time (\(ImportCells.instantFormats))")
                }
            case .amount:
                do {
                    amount = try ImportCells.money(value, baseCurrency: base)
                } catch {
                    fail("invalid_amount", error.message)
                }
            case .amountMinor:
                if let minor = Int64(value) {
                    amount = ImportCells.Money(minor: minor, currency: nil)
                } else {
                    fail("invalid_amount", "'\(value)' is not a whole number of minor units")
                }
            case .unitPrice:
                do {
                    let price = try ImportCells.money(value, baseCurrency: base)
                    if price.minor < 0 { fail("must_not_be_negative", "a unit price cannot be negative") }
                    unitPrice = price.minor
                    if let code = price.currency { currency = currency ?? code }
                } catch {
                    fail("invalid_amount", error.message)
                }
            case .quantity:
                if let count = ImportCells.wholeNumber(value) {
                    quantity = count
                } else {
                    fail("invalid_quantity", "'\(value)' is not a whole number of items")
                }
            case .sku: line["sku"] = .string(value)
            case .productName: line["name"] = .string(value)
            case .category: line["category"] = .string(value)
            case .lines:
                if let parsed = try? JSONValue.parse(Data(value.utf8)), parsed.arrayValue != nil {
                    members["lines"] = parsed
                } else {
                    fail("invalid_json", "expected a JSON array of lines")
                }
            case .ignore: break
            }
        }
        if !emails.isEmpty { members["customer_email"] = .array(emails) }
        if !phones.isEmpty { members["customer_phone"] = .array(phones) }
        if let code = amount?.currency {
            if let currency, currency != code {
                errors.append(FieldError(field: title(of: .currency) ?? "currency", code: "conflict",
                                         message: "the amount is in \(code), the currency column says \(currency)"))
            }
            currency = code
        }
        members["currency"] = .string(currency ?? base)
        if let minor = amount?.minor, minor < 0 {
            if members["kind"] == .string("purchase") {
                errors.append(FieldError(field: title(of: .amount) ?? "amount", code: "must_be_positive",
                                         message: "a purchase cannot have a negative amount; write refunds as 退款"))
            }
            members["kind"] = members["kind"] ?? .string("refund")
        }
        members["kind"] = members["kind"] ?? .string("purchase")
        var total = amount.map { $0.minor.magnitude }.map { Int64(clamping: $0) }
        if !line.isEmpty {
            line["sku"] = line["sku"] ?? line["name"]
            line["name"] = line["name"] ?? line["sku"]
            let count = quantity ?? 1
            line["quantity"] = .number(Double(count))
            if let unitPrice {
                line["unit_price_minor"] = .number(Double(unitPrice))
                total = total ?? unitPrice.multipliedReportingOverflow(by: count).partialValue
            } else if let total, count > 0 {
                if total % count == 0 {
                    line["unit_price_minor"] = .number(Double(total / count))
                } else {
                    errors.append(FieldError(field: title(of: .unitPrice) ?? title(of: .quantity) ?? "unit_price",
                                             code: "required", message: "the unit price is needed: the amount, "
                                                 + "\(total) minor units, does not divide by the quantity \(count)"))
                }
            }
            members["lines"] = .array([.object(line)])
        } else if quantity != nil || unitPrice != nil {
            errors.append(FieldError(field: title(of: .sku) ?? "sku", code: "required",
                                     message: "a quantity or unit price needs the product (商品编码 or 商品名称)"))
        }
        if let total { members["amount_minor"] = .number(Double(total)) }
        if !errors.isEmpty { throw ValidationError(errors) }
        return .object(members)
    }

    /// 购买/退款 and their kin.
    static func kind(_ value: String) -> TransactionKind? {
        switch TextNormalization.clean(value).lowercased() {
        case "purchase", "sale", "order", "buy", "购买", "消费", "销售", "下单", "订单", "购物", "付款", "支付":
            .purchase
        case "refund", "return", "退款", "退货", "退货退款", "退单", "退": .refund
        default: nil
        }
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

    /// The file's title of the first column feeding `column`.
    func title(of column: TransactionColumn) -> String? {
        mapping.title(in: header) { $0 == column }
    }

    /// The file's title for a path of the import document (`lines[0].unit_price_minor` → 单价), else the path.
    func title(ofPath path: String) -> String {
        let member = String(path.prefix { $0.isLetter || $0 == "_" })
        let leaf = path.split(separator: ".").last.map(String.init) ?? ""
        let candidates: [TransactionColumn] = switch member {
        case "customer_id", "customer_external_id": [.customerID]
        case "customer_number": [.customerNumber]
        case "customer_email": [.email]
        case "customer_phone": [.phone]
        case "customer": [.customerID, .customerNumber, .phone, .email]
        case "external_id": [.externalID]
        case "kind": [.kind]
        case "occurred_at": [.occurredAt]
        case "currency": [.currency, .amount]
        case "amount_minor": [.amount, .amountMinor, .unitPrice]
        case "channel": [.channel]
        case "refund_of": [.refundOf]
        case "lines" where path.contains("."):
            switch leaf {
            case "sku": [.sku, .productName, .lines]
            case "name": [.productName, .sku, .lines]
            case "category": [.category, .lines]
            case "quantity": [.quantity, .lines]
            case "unit_price_minor": [.unitPrice, .amount, .lines]
            default: [.lines]
            }
        case "lines": [.lines, .sku, .productName]
        default: []
        }
        for column in candidates {
            if let title = title(of: column) { return title }
        }
        return path
    }
}
