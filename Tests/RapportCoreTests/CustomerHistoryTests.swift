import Foundation
import Testing
@testable import RapportCore

@Suite("Change events and replay")
struct CustomerHistoryTests {
    let start = Date(timeIntervalSince1970: 1_700_000_000)

    func stored(_ events: [NewChangeEvent], from seq: Int64 = 1) -> [ChangeEvent] {
        events.enumerated().map { ChangeEvent(seq: seq + Int64($0.offset), event: $0.element, recordedAt: start) }
    }

    @Test("one event per changed field, none for unchanged ones")
    func diff() {
        let old = CustomerFields(name: "A", tags: ["x"], team: "east")
        let new = CustomerFields(name: "B", tags: ["x"], source: "web")
        let events = CustomerHistory.changeEvents(
            customerID: UUID(), from: old, to: new, actor: .system, source: .api, at: start)
        #expect(events.map(\.field) == ["name", "team", "source"])
        #expect(events[1].oldValue == "east")
        #expect(events[1].newValue == .null)
        #expect(CustomerHistory.changeEvents(customerID: UUID(), from: old, to: old, actor: .system, source: .api,
                                             at: start).isEmpty)
    }

    @Test("replay applies events in order of occurrence, whatever order they were recorded in")
    func replayOrdersByOccurrence() throws {
        let id = UUID()
        let created = Customer(id: id, number: CustomerNumber(7), fields: CustomerFields(name: "v0"), createdAt: start,
                               updatedAt: start, archivedAt: nil, version: 1)
        var events = CustomerHistory.creationEvents(of: created, actor: .system, source: .import)
        // Recorded late but back-dated to t+10: it must come before the change at t+20.
        let late = CustomerHistory.changeEvents(customerID: id, from: CustomerFields(name: "v0"),
                                                to: CustomerFields(name: "v1"), actor: .system, source: .import,
                                                at: start.addingTimeInterval(10))
        let early = CustomerHistory.changeEvents(customerID: id, from: CustomerFields(name: "v1"),
                                                 to: CustomerFields(name: "v2"), actor: .system, source: .api,
                                                 at: start.addingTimeInterval(20))
        events += early + late
        let history = stored(events)
        #expect(CustomerHistory.replay(history, number: created.number, asOf: start.addingTimeInterval(-1)) == nil)
        #expect(CustomerHistory.replay(history, number: created.number, asOf: start)?.fields.name == "v0")
        #expect(CustomerHistory.replay(history, number: created.number, asOf: start.addingTimeInterval(15))?.fields.name == "v1")
        let last = try #require(CustomerHistory.replay(history, number: created.number, asOf: start.addingTimeInterval(99)))
        #expect(last.fields.name == "v2")
        #expect(last.updatedAt == start.addingTimeInterval(20))
    }

    @Test("archive and restore events set and clear archived_at")
    func archiveReplay() {
        let id = UUID()
        let customer = Customer(id: id, number: CustomerNumber(1), fields: CustomerFields(name: "A"), createdAt: start,
                                updatedAt: start, archivedAt: nil, version: 1)
        let archived = NewChangeEvent(customerID: id, family: .info, kind: .archived, actor: .system, source: .api,
                                      occurredAt: start.addingTimeInterval(5))
        let restored = NewChangeEvent(customerID: id, family: .info, kind: .restored, actor: .system, source: .api,
                                      occurredAt: start.addingTimeInterval(9))
        let history = stored(CustomerHistory.creationEvents(of: customer, actor: .system, source: .api) + [archived, restored])
        #expect(CustomerHistory.replay(history, number: customer.number, asOf: start.addingTimeInterval(6))?.archivedAt
                == start.addingTimeInterval(5))
        #expect(CustomerHistory.replay(history, number: customer.number, asOf: start.addingTimeInterval(9))?.archivedAt == nil)
    }
}
