import FluentKit
import Foundation
import RapportCore
import SQLKit
import SQLiteNIO

/// One row of `customer_values` (see `M0012_CreateCustomerValues`): a customer's value as the last analytics run
/// found it, in plain columns so that lists can filter and sort by them.
public struct CustomerValueRow: Equatable, Sendable {
    public let number: Int64
    public let customerID: UUID
    public let repeatDays: Int64
    public let daysFirstToLast: Int64
    public let daysObserved: Int64
    public let rfmR: Int64
    public let rfmF: Int64
    public let rfmM: Int64
    public let rfmGroup: String
    public let abc: String
    public let tier: String
    public let pAlive: Double
    public let expected30: Double
    public let expected90: Double
    public let expected365: Double
    public let expectedSpendMinor: Int64
    public let clvMinor: Int64
    public let churnRisk: Double
    public let valueAtRiskMinor: Int64
    public let churnExplanation: String
    public let frequencyShift: String?
    public let basketShift: String?
    /// A 64-bit FNV-1a digest of the values, stored with them: a run compares digests and rewrites only the rows that
    /// changed, without reading the rows back.
    public private(set) var digest: Int64 = 0

    /// The row of a customer's value.
    public init(number: Int64, customerID: UUID, value: CustomerValue) {
        self.number = number
        self.customerID = customerID
        repeatDays = Int64(value.repeatDays)
        daysFirstToLast = Int64(value.daysFirstToLast)
        daysObserved = Int64(value.daysObserved)
        rfmR = Int64(value.rfm.r)
        rfmF = Int64(value.rfm.f)
        rfmM = Int64(value.rfm.m)
        rfmGroup = value.rfm.group.rawValue
        abc = value.abc.rawValue
        tier = value.tier.rawValue
        pAlive = value.pAlive
        expected30 = value.expectedPurchases.d30
        expected90 = value.expectedPurchases.d90
        expected365 = value.expectedPurchases.d365
        expectedSpendMinor = value.expectedSpendMinor
        clvMinor = value.clvMinor
        churnRisk = value.churn.risk
        valueAtRiskMinor = value.churn.valueAtRiskMinor
        churnExplanation = value.churn.explanation
        frequencyShift = value.frequencyShift?.shift.rawValue
        basketShift = value.basketShift?.shift.rawValue
        digest = computedDigest
    }

    /// The classes recorded as events when they change; nil if the row holds names this version does not know.
    public var marks: ValueMarks? {
        guard let tier = ValueTier(rawValue: tier), let abc = ABCClass(rawValue: abc),
            let group = RFMGroup(rawValue: rfmGroup)
        else { return nil }
        return ValueMarks(tier: tier, abc: abc, rfmGroup: group,
                          frequencyShift: frequencyShift.flatMap(BehaviourShift.init(rawValue:)),
                          basketShift: basketShift.flatMap(BehaviourShift.init(rawValue:)))
    }

    private var computedDigest: Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ value: UInt64) {
            for shift in stride(from: 0, to: 64, by: 8) {
                hash = (hash ^ ((value >> UInt64(shift)) & 0xff)) &* 0x100_0000_01b3
            }
        }
        func mix(_ text: String?) {
            guard let text else { return mix(UInt64.max) }
            for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            mix(UInt64(text.utf8.count))
        }
        for value in [number, repeatDays, daysFirstToLast, daysObserved, rfmR, rfmF, rfmM, expectedSpendMinor,
                      clvMinor, valueAtRiskMinor] { mix(UInt64(bitPattern: value)) }
        for value in [pAlive, expected30, expected90, expected365, churnRisk] { mix(value.bitPattern) }
        mix(customerID.uuidString)
        for text in [rfmGroup, abc, tier, churnExplanation, frequencyShift, basketShift] { mix(text) }
        return Int64(bitPattern: hash)
    }

    static let columns = [
        "number", "customer_id", "digest", "repeat_days", "days_first_to_last", "days_observed", "rfm_r", "rfm_f", "rfm_m",
        "rfm_group", "abc", "tier", "p_alive", "expected_30", "expected_90", "expected_365", "expected_spend_minor",
        "clv_minor", "churn_risk", "value_at_risk_minor", "churn_explanation", "frequency_shift", "basket_shift",
    ]

    /// The values in `columns` order, for an insert.
    var binds: [any Encodable & Sendable] {
        [number, customerID, digest, repeatDays, daysFirstToLast, daysObserved, rfmR, rfmF, rfmM, rfmGroup, abc, tier, pAlive,
         expected30, expected90, expected365, expectedSpendMinor, clvMinor, churnRisk, valueAtRiskMinor,
         churnExplanation, frequencyShift, basketShift]
    }

    /// The values in `columns` order as sqlite-nio binds them (UUIDs as Fluent stores them: upper-case text).
    var sqliteValues: [SQLiteData] {
        func text(_ value: String?) -> SQLiteData { value.map(SQLiteData.text) ?? .null }
        return [
            .integer(Int(number)), .text(customerID.uuidString), .integer(Int(digest)), .integer(Int(repeatDays)),
            .integer(Int(daysFirstToLast)), .integer(Int(daysObserved)), .integer(Int(rfmR)), .integer(Int(rfmF)),
            .integer(Int(rfmM)), .text(rfmGroup), .text(abc), .text(tier), .float(pAlive), .float(expected30),
            .float(expected90), .float(expected365), .integer(Int(expectedSpendMinor)), .integer(Int(clvMinor)),
            .float(churnRisk), .integer(Int(valueAtRiskMinor)), .text(churnExplanation), text(frequencyShift),
            text(basketShift),
        ]
    }

    init(decoding row: any SQLRow) throws {
        func int(_ column: String) throws -> Int64 { try row.decode(column: column, as: Int64.self) }
        func double(_ column: String) throws -> Double { try row.decode(column: column, as: Double.self) }
        func text(_ column: String) throws -> String { try row.decode(column: column, as: String.self) }
        number = try int("number")
        customerID = try row.decode(column: "customer_id", as: UUID.self)
        repeatDays = try int("repeat_days")
        daysFirstToLast = try int("days_first_to_last")
        daysObserved = try int("days_observed")
        rfmR = try int("rfm_r")
        rfmF = try int("rfm_f")
        rfmM = try int("rfm_m")
        rfmGroup = try text("rfm_group")
        abc = try text("abc")
        tier = try text("tier")
        pAlive = try double("p_alive")
        expected30 = try double("expected_30")
        expected90 = try double("expected_90")
        expected365 = try double("expected_365")
        expectedSpendMinor = try int("expected_spend_minor")
        clvMinor = try int("clv_minor")
        churnRisk = try double("churn_risk")
        valueAtRiskMinor = try int("value_at_risk_minor")
        churnExplanation = try text("churn_explanation")
        frequencyShift = try row.decode(column: "frequency_shift", as: String?.self)
        basketShift = try row.decode(column: "basket_shift", as: String?.self)
        digest = try row.decode(column: "digest", as: Int64.self)
    }
}
