import Foundation
import Testing
@testable import RapportCore

@Suite("RFC 3339 time stamps")
struct RFC3339Tests {
    @Test("known instants, including leap days and the epoch")
    func knownInstants() {
        #expect(RFC3339.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: 951_782_400.5)) == "2000-02-29T00:00:00.500Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59.000Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1_790_000_010.7699999)) == "2026-09-21T14:13:30.770Z")
    }

    @Test("agrees with Foundation's formatter on 20,000 random millisecond instants from 1900 to 2200")
    func agreesWithFoundation() throws {
        var generator = SystemRandomNumberGenerator()
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
        for _ in 0..<20_000 {
            let milliseconds = Int64.random(in: -2_208_988_800_000...7_258_118_400_000, using: &generator)
            // Foundation truncates; a value half a millisecond above the target prints the target for both.
            let date = Date(timeIntervalSince1970: (Double(milliseconds) + 0.25) / 1000)
            let ours = RFC3339.format(date)
            #expect(ours == style.format(date), "\(milliseconds)")
            #expect(try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(ours).timeIntervalSince1970
                        * 1000 - Double(milliseconds) < 1)
        }
    }
}

@Suite("Civil calendar")
struct CivilCalendarTests {
    @Test("day numbers and dates round-trip, and agree with known dates")
    func roundTrip() {
        #expect(CivilCalendar.date(ofDay: 0) == (1970, 1, 1))
        #expect(CivilCalendar.dayNumber(year: 2000, month: 2, day: 29) == 11_016)
        #expect(CivilCalendar.dayNumber(year: 1969, month: 12, day: 31) == -1)
        for day in stride(from: Int64(-800_000), through: 800_000, by: 997) {
            let (year, month, dayOfMonth) = CivilCalendar.date(ofDay: day)
            #expect(CivilCalendar.dayNumber(year: year, month: month, day: dayOfMonth) == day)
        }
        #expect(CivilCalendar.floorDivision(-1, 86_400) == (-1, 86_399))
    }
}
