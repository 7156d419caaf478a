import Foundation
import RapportCore
import RapportDemo
import Testing

@Suite("Demo business: every value is consistent and passes Rapport's validation")
struct DemoInvariantTests {
    let customers = DemoSample.customers
    let end = DemoSample.end

    @Test("transactions are sorted, within the customer's history, in CNY, and add up")
    func transactions() {
        for customer in customers {
            let times = customer.transactions.map(\.input.occurredAt)
            #expect(times == times.sorted())
            for transaction in customer.transactions {
                let input = transaction.input
                #expect(input.occurredAt >= customer.createdAt && input.occurredAt <= end)
                #expect(input.customerID == customer.id)
                #expect(input.currency == "CNY")
                #expect(input.amountMinor > 0)
                #expect(["store", "online", "wechat", "phone"].contains(input.channel ?? ""))
                if !input.lines.isEmpty {
                    #expect(input.amountMinor == input.lines.reduce(0) { $0 + $1.quantity * $1.unitPriceMinor })
                }
                if input.kind == .purchase {
                    #expect(!input.lines.isEmpty)
                    #expect(input.refundOf == nil)
                }
            }
        }
    }

    @Test("every refund refunds an earlier purchase of the same customer, never more than it")
    func refunds() {
        var refundCount = 0
        var purchaseCount = 0
        for customer in customers {
            let purchases = Dictionary(uniqueKeysWithValues: customer.transactions
                .filter { $0.input.kind == .purchase }.map { ($0.id, $0.input) })
            purchaseCount += purchases.count
            for refund in customer.transactions where refund.input.kind == .refund {
                refundCount += 1
                let purchase = refund.input.refundOf.flatMap { purchases[$0] }
                #expect(purchase != nil)
                guard let purchase else { continue }
                #expect(purchase.occurredAt < refund.input.occurredAt)
                #expect(purchase.amountMinor >= refund.input.amountMinor)
            }
        }
        let share = Double(refundCount) / Double(purchaseCount)
        #expect(share > 0.01 && share < 0.06, "refunds are \(share) of purchases")
    }

    @Test("external order numbers are unique")
    func externalIDs() {
        let ids = customers.flatMap { $0.transactions.compactMap(\.input.externalID) }
        #expect(!ids.isEmpty)
        #expect(Set(ids).count == ids.count)
    }

    @Test("interactions are sorted and within the customer's history; no user handled them")
    func interactions() {
        var channels = Set<InteractionChannel>()
        var directions = Set<InteractionDirection>()
        for customer in customers {
            let times = customer.interactions.map(\.input.occurredAt)
            #expect(times == times.sorted())
            for interaction in customer.interactions {
                let input = interaction.input
                #expect(input.occurredAt >= customer.createdAt && input.occurredAt <= end)
                #expect(input.customerID == customer.id)
                #expect(input.userID == nil)
                #expect((1...5).contains(input.quality ?? 3))
                channels.insert(input.channel)
                directions.insert(input.direction)
            }
        }
        #expect(channels == Set(InteractionChannel.allCases))
        #expect(directions == Set(InteractionDirection.allCases))
    }

    @Test("changes come after creation, in order, and each changes something")
    func changes() {
        var changed = 0
        for customer in customers where !customer.changes.isEmpty {
            changed += 1
            let times = customer.changes.map(\.at)
            #expect(times == times.sorted())
            #expect(times.allSatisfy { $0 > customer.createdAt && $0 <= end })
            let states = [customer.fields] + customer.changes.map(\.fields)
            #expect(zip(states, states.dropFirst()).allSatisfy { $0 != $1 })
        }
        let share = Double(changed) / Double(customers.count)
        #expect(share >= 0.15 && share <= 0.25, "\(share) of customers changed")
    }

    @Test("customer fields, as created and after every change, come back unchanged from the customer parser")
    func fieldsAreNormalised() throws {
        let parser = CustomerFieldsParser(defaultPhoneRegion: "CN")
        let encoder = JSONEncoder()
        for customer in customers {
            for fields in [customer.fields] + customer.changes.map(\.fields) {
                let document = try JSONValue.parse(try encoder.encode(fields))
                #expect(try parser.parse(document) == fields)
            }
        }
    }

    @Test("transactions and interactions come back unchanged from their parsers")
    func inputsAreValid() throws {
        let transactionParser = TransactionParser(baseCurrency: "CNY")
        let interactionParser = InteractionParser()
        for customer in customers.prefix(500) {
            for transaction in customer.transactions {
                #expect(try transactionParser.parse(Self.document(transaction.input)) == transaction.input)
            }
            for interaction in customer.interactions {
                #expect(try interactionParser.parse(Self.document(interaction.input)) == interaction.input)
            }
        }
    }

    @Test("people and companies in realistic proportions, all over China")
    func mix() {
        let people = customers.filter { $0.fields.kind == .person }
        let chinese = people.filter { $0.fields.name.unicodeScalars.allSatisfy { $0.value >= 0x4E00 } }
        let companies = customers.count - people.count
        #expect((0.80...0.90).contains(Double(chinese.count) / Double(customers.count)))
        #expect((0.07...0.13).contains(Double(companies) / Double(customers.count)))
        let mobiles = customers.flatMap(\.fields.phones)
            .filter { $0.label == "mobile" && $0.number.hasPrefix("+86") }.map(\.number)
        #expect(mobiles.allSatisfy { $0.wholeMatch(of: /\+861[3-9]\d{9}/) != nil })
        #expect(Double(mobiles.count) / Double(customers.count) > 0.7)
        let cities = Set(customers.flatMap(\.fields.addresses).map { "\($0.province ?? "")/\($0.city ?? "")" })
        #expect(cities.count >= 30)
        #expect(cities.contains("浙江省/杭州市") && cities.contains("北京市/北京市"))
        let withoutEmail = customers.filter { $0.fields.emails.isEmpty }.count
        #expect(withoutEmail > 0 && withoutEmail < customers.count / 3)
    }

    /// The document a client would send for a transaction.
    static func document(_ input: TransactionInput) -> JSONValue {
        var members: [String: JSONValue] = [
            "customer_id": .string(UUIDText.format(input.customerID)), "kind": .string(input.kind.rawValue),
            "occurred_at": .string(RFC3339.format(input.occurredAt)), "currency": .string(input.currency),
            "amount_minor": .number(Double(input.amountMinor)),
            "lines": .array(input.lines.map { line in
                [
                    "sku": .string(line.sku), "name": .string(line.name),
                    "category": line.category.map(JSONValue.string) ?? .null,
                    "quantity": .number(Double(line.quantity)),
                    "unit_price_minor": .number(Double(line.unitPriceMinor)),
                ]
            }),
        ]
        members["external_id"] = input.externalID.map(JSONValue.string)
        members["channel"] = input.channel.map(JSONValue.string)
        members["refund_of"] = input.refundOf.map { .string(UUIDText.format($0)) }
        return .object(members)
    }

    /// The document a client would send for an interaction.
    static func document(_ input: InteractionInput) -> JSONValue {
        var members: [String: JSONValue] = [
            "customer_id": .string(UUIDText.format(input.customerID)), "channel": .string(input.channel.rawValue),
            "direction": .string(input.direction.rawValue), "occurred_at": .string(RFC3339.format(input.occurredAt)),
            "subject": .string(input.subject),
        ]
        members["notes"] = input.notes.map(JSONValue.string)
        members["outcome"] = input.outcome.map(JSONValue.string)
        members["duration_seconds"] = input.durationSeconds.map { .number(Double($0)) }
        members["quality"] = input.quality.map { .number(Double($0)) }
        return .object(members)
    }
}
