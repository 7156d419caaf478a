import Foundation
import Testing
@testable import RapportCore

@Suite("Validating interactions")
struct InteractionParserTests {
    let parser = InteractionParser()

    func call(_ overrides: [String: JSONValue] = [:]) -> JSONValue {
        var document: [String: JSONValue] = [
            "customer_id": "0d6a2f3e-7b1c-4f5e-9a8b-1c2d3e4f5a6b", "channel": "phone", "direction": "outbound",
            "occurred_at": "2026-03-09T10:00:00Z", "subject": " 回访：新茶试饮 ", "notes": "客户很满意", "outcome": "follow-up",
            "duration_seconds": 320, "quality": 4,
        ]
        for (key, value) in overrides { document[key] = value }
        return .object(document)
    }

    func fields(_ document: JSONValue) -> [String] {
        invalidFields { () throws(ValidationError) in try parser.parse(document) }
    }

    @Test("a logged call is read and cleaned")
    func valid() throws {
        let input = try parser.parse(call(["channel": "in_person"]))
        #expect(input.channel == .inPerson)
        #expect(input.direction == .outbound)
        #expect(input.subject == "回访：新茶试饮")
        #expect(input.durationSeconds == 320)
        #expect(input.quality == 4)
        #expect(input.userID == nil)
    }

    @Test("bad values are named: channel, direction, quality out of 1–5, negative duration, unknown fields")
    func invalid() {
        #expect(fields(call(["channel": "pigeon"])) == ["channel"])
        #expect(fields(call(["direction": "sideways"])) == ["direction"])
        #expect(fields(call(["quality": 6])) == ["quality"])
        #expect(fields(call(["quality": 0])) == ["quality"])
        #expect(fields(call(["duration_seconds": -5])) == ["duration_seconds"])
        #expect(fields(call(["mood": "good"])) == ["mood"])
        #expect(fields(call(["user_id": "someone"])) == ["user_id"])
        #expect(fields(["subject": "x"]) == ["channel", "customer_id", "direction", "occurred_at"])
    }
}
