import Foundation
import Testing
@testable import RapportCore

@Suite("Cursors, customer numbers and dates")
struct PageCursorTests {
    @Test("a cursor round-trips, and anything else is refused", arguments: [[0], [42], [1_700_000_000_123, 9_999]] as [[Int64]])
    func roundTrip(values: [Int64]) {
        let cursor = PageCursor.encode(values)
        #expect(PageCursor.decode(cursor, count: values.count) == values)
        #expect(PageCursor.decode(cursor, count: values.count + 1) == nil)
    }

    @Test("garbage cursors decode to nil")
    func garbage() {
        for text in ["", "%%%", "Zm9vOmJhcg", "MTI6", String(repeating: "A", count: 500)] {
            #expect(PageCursor.decode(text, count: 1) == nil, "\(text)")
            #expect(PageCursor.decode(text, count: 2) == nil, "\(text)")
        }
    }

    @Test("customer numbers print with six digits and parse back")
    func customerNumbers() {
        #expect(CustomerNumber(1).description == "C-000001")
        #expect(CustomerNumber(1_234_567).description == "C-1234567")
        #expect(CustomerNumber(parsing: "c-000042") == CustomerNumber(42))
        #expect(CustomerNumber(parsing: "C-0") == nil)
        #expect(CustomerNumber(parsing: "42") == nil)
    }

    @Test("calendar dates accept only real days")
    func calendarDates() {
        #expect(CalendarDate(parsing: "2024-02-29") != nil)
        #expect(CalendarDate(parsing: "2023-02-29") == nil)
        #expect(CalendarDate(parsing: "2023-4-01") == nil)
        #expect(CalendarDate(parsing: "2023-04-31") == nil)
    }

    @Test("API token secrets have the documented shape and differ each time")
    func tokenSecrets() {
        let first = APITokenSecret.generate()
        #expect(APITokenSecret.isWellFormed(first))
        #expect(first != APITokenSecret.generate())
        #expect(!APITokenSecret.isWellFormed("rap_short"))
        #expect(!APITokenSecret.isWellFormed("xyz_" + first.dropFirst(4)))
    }

    @Test("visibility: agents see their own and their team's customers only")
    func visibility() {
        let me = UUID()
        let agent = Principal(userID: me, role: .agent, team: "east", actor: .system)
        let rule = AccessPolicy.visibility(for: agent)
        #expect(rule.allows(ownerID: me, team: nil))
        #expect(rule.allows(ownerID: UUID(), team: "east"))
        #expect(!rule.allows(ownerID: UUID(), team: "west"))
        #expect(!rule.allows(ownerID: nil, team: nil))
        let loner = AccessPolicy.visibility(for: Principal(userID: me, role: .agent, team: nil, actor: .system))
        #expect(!loner.allows(ownerID: nil, team: nil))
        #expect(AccessPolicy.visibility(for: Principal(userID: me, role: .analyst, team: nil, actor: .system)) == .all)
    }
}
