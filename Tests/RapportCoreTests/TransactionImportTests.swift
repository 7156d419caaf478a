import Foundation
import Testing
@testable import RapportCore

@Suite("Importing transactions: columns, rows, orders and JSON Lines")
struct TransactionImportTests {
    static let header = ["订单号", "客户编号", "手机", "类型", "下单时间", "实付金额", "商品编码", "商品名称", "品类", "数量",
                         "单价", "渠道", "原订单号", "收货人"]
    let documents = TransactionImportDocument(baseCurrency: "CNY", defaultPhoneRegion: "CN")

    func reader(_ header: [String] = Self.header, map: String? = nil) throws -> TransactionImportRow {
        let overrides = try map.map { try ImportMapping<TransactionColumn>.overrides($0) } ?? [:]
        return TransactionImportRow(header: header, mapping: try ImportMapping(header: header, overrides: overrides),
                                    reader: documents, zone: TimeZone(identifier: "Asia/Shanghai")!)
    }

    /// A record of `header` with the given cells.
    func record(_ cells: [String: String]) -> [String] {
        Self.header.map { cells[$0] ?? "" }
    }

    @Test("Chinese headers are recognised; unknown columns are ignored")
    func columns() throws {
        let mapping = try reader().mapping
        #expect(mapping.columns.map(\.description) == [
            "external_id", "customer_id", "customer_phone", "kind", "occurred_at", "amount", "sku", "product_name",
            "category", "quantity", "unit_price", "channel", "refund_of", "ignore",
        ])
        let english = try ImportMapping<TransactionColumn>(header: ["Order No", "Customer ID", "Date", "Amount"])
        #expect(english.columns == [.externalID, .customerID, .occurredAt, .amount])
    }

    @Test("a file without a customer, a time or an amount is refused, naming what is missing")
    func missingColumns() throws {
        #expect {
            try ImportMapping<TransactionColumn>(header: ["订单号", "备注"])
        } throws: { error in
            (error as? ValidationError)?.errors.map(\.code) == ["no_customer", "no_time", "no_amount"]
        }
        let mapped = try reader(["单据", "会员", "日子", "钱"], map: "会员=customer_id,日子=occurred_at,钱=amount,单据=external_id")
        #expect(mapped.mapping.columns == [.externalID, .customerID, .occurredAt, .amount])
    }

    @Test("a row becomes the API's transaction: amount in minor units, one line, time in the file's zone")
    func row() throws {
        let parsed = try reader().parse(record([
            "订单号": "O-1001", "客户编号": "E-1", "下单时间": "2026/1/31 14:05", "实付金额": "¥1,234.50",
            "商品编码": "TEA-001", "商品名称": "西湖龙井", "品类": "茶叶", "数量": "3件", "渠道": "天猫", "收货人": "王小明",
        ]))
        #expect(parsed.customer == CustomerReference(externalID: "E-1"))
        #expect(parsed.input.externalID == "O-1001")
        #expect(parsed.input.kind == .purchase)
        #expect(parsed.input.amountMinor == 123_450)
        #expect(parsed.input.currency == "CNY")
        #expect(parsed.input.channel == "天猫")
        #expect(RFC3339.format(parsed.input.occurredAt) == "2026-01-31T06:05:00.000Z")
        #expect(parsed.input.lines == [TransactionLine(sku: "TEA-001", name: "西湖龙井", category: "茶叶", quantity: 3,
                                                       unitPriceMinor: 41_150)])
        #expect(parsed.input.customerID == TransactionImport.unresolved)
    }

    @Test("a negative amount is a refund; 退款 with 原订单号 names the refunded purchase; a phone is normalised")
    func refunds() throws {
        let negative = try reader().parse(record(["客户编号": "E-1", "下单时间": "2026-02-01", "实付金额": "-100"]))
        #expect(negative.input.kind == .refund && negative.input.amountMinor == 10_000)
        let named = try reader().parse(record([
            "手机": "138 0013 8000", "类型": "退款", "下单时间": "2026-02-01", "实付金额": "50", "原订单号": "O-1001",
        ]))
        #expect(named.input.kind == .refund && named.refundOfOrder == "O-1001" && named.input.refundOf == nil)
        #expect(named.customer == CustomerReference(phones: ["+8613800138000"]))
        let amountFromLine = try reader().parse(record([
            "客户编号": "E-1", "下单时间": "2026-02-01", "商品名称": "茶杯", "数量": "2", "单价": "¥12.50",
        ]))
        #expect(amountFromLine.input.amountMinor == 2_500)
        #expect(amountFromLine.input.lines.first?.sku == "茶杯")
    }

    @Test("a bad cell is reported under the file's column title", arguments: [
        (["实付金额": "1.234,50"], "实付金额"), (["下单时间": "yesterday"], "下单时间"), (["数量": "2.5", "商品编码": "A"], "数量"),
        (["类型": "赠送"], "类型"), (["手机": "12", "客户编号": ""], "手机"),
        (["商品编码": "A", "数量": "2", "单价": "10", "实付金额": "25"], "实付金额"),
        (["商品编码": "A", "数量": "3", "实付金额": "10"], "单价"), (["类型": "购买", "实付金额": "-5"], "实付金额"),
        (["实付金额": "USD 5"], "实付金额"), (["客户编号": "", "手机": ""], "客户编号"),
    ] as [([String: String], String)])
    func badCells(cells: [String: String], column: String) throws {
        var all = ["客户编号": "E-1", "下单时间": "2026-02-01", "实付金额": "10"]
        all.merge(cells) { $1 }
        let record = record(all)
        let reader = try reader()
        #expect {
            try reader.parse(record)
        } throws: { error in
            (error as? ValidationError)?.errors.first?.field == column
        }
    }

    func rows(_ cells: [[String: String]]) throws -> [TransactionOrders.Order] {
        let reader = try reader()
        var orders = TransactionOrders(reader: reader)
        var result: [TransactionOrders.Order] = []
        for (index, cells) in cells.enumerated() {
            let record = record(cells)
            let row = TransactionOrders.Row(line: index + 2, raw: "row \(index + 2)",
                                            order: reader.orderNumber(of: record),
                                            parsed: Result { () throws(ValidationError) in try reader.parse(record) })
            if let order = orders.add(row) { result.append(order) }
        }
        if let order = orders.finish() { result.append(order) }
        return result
    }

    @Test("consecutive rows with one order number are the lines of one order")
    func orders() throws {
        let base = ["客户编号": "E-1", "下单时间": "2026-02-01 10:00"]
        let orders = try rows([
            base.merging(["订单号": "O-1", "商品编码": "A", "数量": "2", "单价": "10"]) { $1 },
            base.merging(["订单号": "O-1", "商品编码": "B", "实付金额": "5"]) { $1 },
            base.merging(["订单号": "O-2", "实付金额": "7"]) { $1 },
            base.merging(["实付金额": "8"]) { $1 },
            base.merging(["实付金额": "8"]) { $1 },
        ])
        #expect(orders.map { $0.rows.map(\.line) } == [[2, 3], [4], [5], [6]])
        let first = try orders[0].parsed.get()
        #expect(first.input.amountMinor == 2_500)
        #expect(first.input.lines.map(\.sku) == ["A", "B"])
        #expect(try orders[1].parsed.get().input.amountMinor == 700)
    }

    @Test("the rows of one order must agree; a bad row rejects its whole order, naming its line")
    func badOrders() throws {
        let base = ["客户编号": "E-1", "下单时间": "2026-02-01 10:00", "订单号": "O-1", "商品编码": "A", "实付金额": "5"]
        let disagreeing = try rows([base, base.merging(["下单时间": "2026-02-02"]) { $1 }])
        #expect(throws: ValidationError.self) { try disagreeing[0].parsed.get() }
        if case .failure(let error) = disagreeing[0].parsed {
            #expect(error.errors.map(\.field) == ["下单时间"])
            #expect(error.errors[0].message.contains("line 3"))
        }
        let oneBad = try rows([base, base.merging(["数量": "lots"]) { $1 }])
        #expect(oneBad.count == 1 && oneBad[0].rows.count == 2)
        if case .failure(let error) = oneBad[0].parsed {
            #expect(error.errors.map(\.field) == ["数量 (line 3)"])
        } else {
            Issue.record("an order with a bad row is rejected")
        }
    }

    @Test("JSON Lines: the API's document with the customer named by reference keys")
    func jsonLines() throws {
        let parsed = try documents.parse([
            "customer_number": "C-000012", "kind": "refund", "occurred_at": "2026-02-01T10:00:00+08:00",
            "currency": "CNY", "amount_minor": 500, "external_id": 9001, "refund_of": "O-1",
            "id": "0d6a2f3e-7b1c-4f5e-9a8b-1c2d3e4f5a6b", "recorded_at": "2026-02-01T10:00:00Z", "refunded_minor": 0,
        ])
        #expect(parsed.customer == CustomerReference(number: CustomerNumber(12)))
        #expect(parsed.input.externalID == "9001" && parsed.refundOfOrder == "O-1")
        let exported = try documents.parse([
            "customer_id": "0d6a2f3e-7b1c-4f5e-9a8b-1c2d3e4f5a6b", "kind": "purchase",
            "occurred_at": "2026-02-01T10:00:00Z", "currency": "CNY", "amount_minor": 500,
        ])
        #expect(exported.customer.id == UUIDText.parse("0d6a2f3e-7b1c-4f5e-9a8b-1c2d3e4f5a6b"))
        let errors = invalidFields { () throws(ValidationError) in
            try documents.parse(["customer_email": "not-an-email", "kind": "gift", "occurred_at": "2026-02-01",
                                 "currency": "USD", "amount_minor": 5, "colour": "red"])
        }
        #expect(errors == ["colour", "currency", "customer_email", "kind", "occurred_at"])
        #expect(invalidFields { () throws(ValidationError) in
            try documents.parse(["kind": "purchase", "occurred_at": "2026-02-01T10:00:00Z", "currency": "CNY",
                                 "amount_minor": 5])
        } == ["customer"])
    }

    @Test("identical rows have one fingerprint, counted by occurrence")
    func occurrences() throws {
        let cells = ["客户编号": "E-1", "下单时间": "2026-02-01", "实付金额": "10"]
        let a = try reader().parse(record(cells)), b = try reader().parse(record(cells))
        let c = try reader().parse(record(cells.merging(["实付金额": "11"]) { $1 }))
        #expect(a.fingerprint == b.fingerprint && a.fingerprint != c.fingerprint)
        var counter = ImportOccurrences()
        #expect([a, b, c, a].map { counter.next($0.fingerprint) } == [1, 2, 1, 3])
    }
}
