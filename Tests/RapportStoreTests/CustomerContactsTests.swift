import FluentKit
import Foundation
import RapportCore
@testable import RapportStore
import SQLKit
import Testing

@Suite("Store: the contact-point index")
struct CustomerContactsTests {
    static func rows(_ store: RapportDatabase) async throws -> [String] {
        try await (store.database as! any SQLDatabase).raw("SELECT kind, value FROM customer_contacts").all()
            .map { "\(try $0.decode(column: "kind", as: String.self)) \(try $0.decode(column: "value", as: String.self))" }
            .sorted()
    }

    @Test("creates and changes keep it current; a rebuild from the documents gives the same rows; lookups find holders")
    func keptCurrent() async throws {
        try await StoreHarness.run { store, _ in
            let repository = CustomerRepository(store)
            let fields = try CustomerFieldsParser(defaultPhoneRegion: "CN").parse([
                "name": "王小明", "emails": [["address": "XM@Example.com"], ["address": "wang@shop.cn"]],
                "phones": [["number": "138 0013 8000"]],
            ])
            let customer = try await repository.create(fields, actor: .system, source: .system)
            _ = try await repository.create(CustomerFields(name: "无联系方式"), actor: .system, source: .system)
            #expect(try await Self.rows(store) == ["email wang@shop.cn", "email xm@example.com", "phone +8613800138000"])

            _ = try await repository.update(customer.id, visibleTo: .all, expectedVersion: nil, actor: .system,
                                            source: .system) { current in
                var changed = current
                changed.emails.removeFirst()
                changed.phones.append(PhoneEntry(number: "+8613900139000"))
                return changed
            }
            let expected = ["email wang@shop.cn", "phone +8613800138000", "phone +8613900139000"]
            #expect(try await Self.rows(store) == expected)

            let sql = store.database as! any SQLDatabase
            try await CustomerContacts.rebuild(on: sql)
            #expect(try await Self.rows(store) == expected)
            let holders = try await CustomerContacts.holders(of: ["+8613900139000", "+8610000000000"], kind: .phone,
                                                             on: sql)
            #expect(holders == ["+8613900139000": [customer.id]])
        }
    }
}
