import Foundation
import RapportCore
import RapportDemo
import Testing

@Suite("Demo business: determinism and shape of the stream")
struct DemoBusinessTests {
    let end = Date(timeIntervalSince1970: 1_780_000_000)

    @Test("the same seed gives the same customers, IDs included; another seed does not")
    func deterministic() {
        let first = Array(DemoBusiness(seed: 42, customers: 2_000, years: 2, end: end).prefix(300))
        let second = Array(DemoBusiness(seed: 42, customers: 2_000, years: 2, end: end).prefix(300))
        let other = Array(DemoBusiness(seed: 43, customers: 2_000, years: 2, end: end).prefix(300))
        #expect(first.count == 300)
        #expect(first == second)
        #expect(first != other)
        #expect(Set(first.map(\.id)).isDisjoint(with: other.map(\.id)))
        #expect(first.map(\.fields.name) != other.map(\.fields.name))
    }

    @Test("exactly the requested number of customers, then nil")
    func count() {
        var business = DemoBusiness(seed: 1, customers: 25, years: 1, end: end)
        var count = 0
        while business.next() != nil { count += 1 }
        #expect(count == 25)
        #expect(business.next() == nil)
        var empty = DemoBusiness(seed: 1, customers: 0, years: 1, end: end)
        #expect(empty.next() == nil)
    }

    @Test("customers come in creation order, within the history")
    func creationOrder() {
        let business = DemoBusiness(seed: 5, customers: 500, years: 3, end: end)
        let created = business.map(\.createdAt)
        #expect(created == created.sorted())
        #expect(created.allSatisfy { $0 >= business.start && $0 <= business.end })
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        #expect(business.start == calendar.date(byAdding: .year, value: -3, to: end))
    }

    @Test("IDs are time-ordered (version 7) UUIDs of each row's time, unique across customers, transactions and interactions")
    func identifiers() {
        let customers = Array(DemoBusiness(seed: 9, customers: 300, years: 2, end: end))
        let ids = customers.flatMap { [$0.id] + $0.transactions.map(\.id) + $0.interactions.map(\.id) }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            let text = Array(id.uuidString)
            #expect(text[14] == "7")
            #expect("89AB".contains(text[19]))
        }
        // Customers come in creation order, so their IDs ascend.
        let customerIDs = customers.map { UUIDText.format($0.id) }
        #expect(customerIDs == customerIDs.sorted())
        for customer in customers {
            #expect(UUIDText.format(customer.id).hasPrefix(UUIDText.format(TimeOrderedID.make(at: customer.createdAt)).prefix(13)))
        }
    }

    @Test("the catalogue has 60–120 products in 8–12 categories, with unique SKUs such as SKU-TEA-001")
    func catalogue() {
        let catalogue = DemoBusiness(seed: 1, customers: 1, years: 1, end: end).catalogue
        #expect((60...120).contains(catalogue.count))
        #expect((8...12).contains(Set(catalogue.map(\.category)).count))
        #expect(Set(catalogue.map(\.sku)).count == catalogue.count)
        #expect(catalogue.contains { $0.sku == "SKU-TEA-001" })
        #expect(catalogue.allSatisfy { $0.sku.wholeMatch(of: /SKU-[A-Z]{3}-\d{3}/) != nil && $0.unitPriceMinor > 0 })
    }
}

@Suite("Demo customers as documents")
struct DemoDocumentTests {
    @Test("every demo customer's document is the text JSONEncoder writes")
    func documentsMatchJSONEncoder() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for customer in DemoSample.customers.prefix(500) {
            for fields in [customer.fields] + customer.changes.map(\.fields) {
                #expect(fields.documentText == String(decoding: try encoder.encode(fields), as: UTF8.self))
            }
        }
    }
}
