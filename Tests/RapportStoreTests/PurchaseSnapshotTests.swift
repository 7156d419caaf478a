import Foundation
import RapportCore
import Testing

@testable import RapportStore

@Suite("Store: the analytics snapshot and the value tables")
struct PurchaseSnapshotTests {
    @Test("SKUs are found in lines JSON, not in names that merely look like a key")
    func skuScan() {
        let lines = [
            TransactionLine(sku: "TEA-1", name: #"fake "sku":"EVIL" name"#, quantity: 1, unitPriceMinor: 100),
            TransactionLine(sku: "茶杯-2", name: "茶杯", category: "器具", quantity: 2, unitPriceMinor: 50),
        ]
        #expect(PurchaseSnapshot.skus(inLines: TransactionRows.linesText(lines)) == ["TEA-1", "茶杯-2"])
        #expect(PurchaseSnapshot.skus(inLines: "[]").isEmpty)
    }

    @Test("the snapshot holds purchases at their net amounts, without wholly refunded ones, with their baskets")
    func snapshot() async throws {
        try await StoreHarness.run { store, _ in
            let engine = LifecycleEngine()
            let now = store.clock.now()
            let customer = try await CustomerRepository(store).create(CustomerFields(name: "快照"), actor: .system,
                                                                      source: .system)
            _ = try await CustomerRepository(store).create(CustomerFields(name: "没买过"), actor: .system,
                                                           source: .system)
            let transactions = TransactionRepository(store, engine: engine)
            func purchase(_ days: Double, _ lines: [TransactionLine]) async throws -> Transaction {
                try await transactions.record(
                    TransactionInput(customerID: customer.id, kind: .purchase,
                                     occurredAt: now.addingTimeInterval(-days * 86_400), currency: "CNY", lines: lines,
                                     amountMinor: lines.reduce(0) { $0 + $1.quantity * $1.unitPriceMinor }),
                    visibleTo: .all, actor: .system, source: .system)
            }
            let tea = TransactionLine(sku: "TEA", name: "茶", quantity: 1, unitPriceMinor: 10_000)
            let cup = TransactionLine(sku: "CUP", name: "杯", quantity: 2, unitPriceMinor: 1_000)
            let partly = try await purchase(30, [tea, cup])
            let wholly = try await purchase(20, [tea])
            for (purchase, amount) in [(partly, Int64(2_000)), (wholly, Int64(10_000))] {
                _ = try await transactions.record(
                    TransactionInput(customerID: customer.id, kind: .refund, occurredAt: now, currency: "CNY",
                                     amountMinor: amount, refundOf: purchase.id),
                    visibleTo: .all, actor: .system, source: .system)
            }
            let snapshot = try await PurchaseSnapshot.read(from: store)
            #expect(snapshot.numbers == [1, 2])
            #expect(snapshot.ids.first == customer.id)
            #expect(snapshot.customer == [0])
            #expect(snapshot.amountMinor == [10_000])
            #expect(snapshot.day == [Int32(BusinessDay.number(of: now.addingTimeInterval(-30 * 86_400)))])
            #expect(snapshot.products.map { snapshot.skus[Int($0)] } == ["TEA", "CUP"])
            #expect(snapshot.productOffsets == [0, 2])
        }
    }
}
