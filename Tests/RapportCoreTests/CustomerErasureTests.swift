import Foundation
import Testing
@testable import RapportCore

@Suite("Erasure rules: the tombstone and scrubbed events")
struct CustomerErasureTests {
    let start = Date(timeIntervalSince1970: 1_700_000_000)
    let owner = UUID()

    var person: CustomerFields {
        CustomerFields(
            kind: .organization, name: "王小明", emails: [EmailEntry(address: "x@example.com", primary: true)],
            phones: [PhoneEntry(number: "+8613800138000", primary: true)],
            social: [SocialHandle(network: "wechat", handle: "wx")], addresses: [PostalAddress(city: "上海市")],
            tags: ["vip"], attributes: ["k": "v"], ownerID: owner, team: "east", source: "erp",
            birthday: CalendarDate(parsing: "1990-05-17"), consent: Consent(sms: true), externalIDs: ["erp": "E-1"])
    }

    @Test("the tombstone keeps kind, owner, team and source and empties the rest")
    func tombstone() {
        let tombstone = CustomerErasure.tombstone(of: person)
        #expect(tombstone == CustomerFields(kind: .organization, name: "[erased]", ownerID: owner, team: "east",
                                            source: "erp"))
        #expect(CustomerErasure.isTombstone(tombstone))
        #expect(!CustomerErasure.isTombstone(person))
        #expect(Set(CustomerErasure.personalFields + CustomerErasure.keptFields) == Set(CustomerFields.keys))
    }

    @Test("replaying scrubbed events gives the tombstone at every instant, and scrubbing twice changes nothing")
    func replayOfScrubbedHistory() throws {
        let id = UUID()
        let created = Customer(id: id, number: CustomerNumber(1), fields: person, createdAt: start, updatedAt: start,
                               archivedAt: nil, version: 1)
        var renamed = person
        renamed.name = "王大明"
        renamed.team = "west"
        let events = CustomerHistory.creationEvents(of: created, actor: .system, source: .api)
            + CustomerHistory.changeEvents(customerID: id, from: person, to: renamed, actor: .system, source: .api,
                                           at: start.addingTimeInterval(10))
        let scrubbed = events.enumerated().map { offset, event in
            let values = CustomerErasure.scrubbed(event)
            let rewritten = NewChangeEvent(
                customerID: id, family: event.family, kind: event.kind, field: event.field,
                oldValue: values.map { $0.oldValue } ?? event.oldValue,
                newValue: values.map { $0.newValue } ?? event.newValue,
                actor: event.actor, source: event.source, occurredAt: event.occurredAt)
            if let again = CustomerErasure.scrubbed(rewritten) {
                #expect(again.oldValue == rewritten.oldValue && again.newValue == rewritten.newValue)
            }
            return ChangeEvent(seq: Int64(offset + 1), event: rewritten, recordedAt: start)
        }
        let first = try #require(CustomerHistory.replay(scrubbed, number: created.number, asOf: start))
        #expect(first.fields == CustomerErasure.tombstone(of: person))
        let later = try #require(CustomerHistory.replay(scrubbed, number: created.number,
                                                        asOf: start.addingTimeInterval(20)))
        #expect(later.fields == CustomerErasure.tombstone(of: renamed))
        #expect(later.fields.team == "west")
        let values = scrubbed.flatMap { [$0.event.oldValue, $0.event.newValue].compactMap { $0?.encodedText() } }
        #expect(!values.joined().contains("王"))
    }

    @Test("interactions lose their free text; other events keep their values")
    func otherEvents() {
        let interaction = NewChangeEvent(
            customerID: UUID(), family: .relationship, kind: .interaction,
            newValue: ["subject": "回访", "notes": "说了很多", "outcome": "好", "quality": 4], actor: .system,
            source: .api, occurredAt: start)
        #expect(CustomerErasure.scrubbed(interaction)?.newValue
                == ["subject": "[erased]", "notes": .null, "outcome": .null, "quality": 4])
        let purchase = NewChangeEvent(customerID: UUID(), family: .transaction, kind: .purchase,
                                      newValue: ["amount_minor": 100], actor: .system, source: .api, occurredAt: start)
        #expect(CustomerErasure.scrubbed(purchase) == nil)
        let team = NewChangeEvent(customerID: UUID(), family: .info, kind: .fieldChanged, field: "team",
                                  oldValue: "east", newValue: "west", actor: .system, source: .api, occurredAt: start)
        #expect(CustomerErasure.scrubbed(team) == nil)
    }

    @Test("an erase request takes no options")
    func request() {
        #expect(throws: Never.self) { try CustomerErasure.parseRequest([:]) }
        #expect(throws: ValidationError.self) { try CustomerErasure.parseRequest(["reason": "x"]) }
        #expect(throws: ValidationError.self) { try CustomerErasure.parseRequest([]) }
    }
}
