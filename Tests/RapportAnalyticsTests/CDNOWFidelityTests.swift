import Foundation
import RapportCore
import Testing

@testable import RapportAnalytics

/// The published fits on the CDNOW sample (Fader, Hardie & Lee 2005; Fader & Hardie 2013), reproduced from the raw
/// transactions: calibration ends 1997-09-30, the time unit is the week.
@Suite struct CDNOWFidelityTests {
    static let calibrationEnd = TransactionsCSV.day("1997-09-30")!

    static func histories() throws -> PurchaseHistories {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/cdnow_sample_transactions.csv")
        let csv = try TransactionsCSV.read(try Data(contentsOf: url))
        return PurchaseHistories(csv.columns, through: calibrationEnd)
    }

    static func summaries() throws -> [RepeatSummary] {
        let histories = try histories()
        return (0..<histories.customerCount).compactMap { RepeatSummary(histories, customer: $0) }
    }

    static func expectClose(_ value: Double, _ published: Double, within tolerance: Double = 0.005,
                            _ name: String) {
        #expect(abs(value - published) / published < tolerance, "\(name) = \(value), published \(published)")
    }

    @Test func theCalibrationSampleIsThePublishedOne() throws {
        let summaries = try Self.summaries()
        #expect(summaries.count == 2357)
        #expect(summaries.count { $0.x > 0 } == 946)
    }

    @Test func bgnbdReproducesThePublishedParameters() throws {
        let fit = try BGNBD.fit(BGNBD.Data(try Self.summaries(), timeUnitDays: 7))
        #expect(fit.converged)
        Self.expectClose(fit.parameters.r, 0.243, "r")
        Self.expectClose(fit.parameters.alpha, 4.414, "alpha")
        Self.expectClose(fit.parameters.a, 0.793, "a")
        Self.expectClose(fit.parameters.b, 2.426, "b")
        #expect(abs(fit.logLikelihood - -9582.4) < 0.5, "log-likelihood \(fit.logLikelihood)")
    }

    @Test func gammaGammaReproducesThePublishedParameters() throws {
        let fit = try GammaGamma.fit(GammaGamma.Data(try Self.summaries()))
        #expect(fit.converged)
        Self.expectClose(fit.parameters.p, 6.25, "p")
        Self.expectClose(fit.parameters.q, 3.74, "q")
        Self.expectClose(fit.parameters.gamma, 15.44, "gamma")
    }

    /// FHL 2005 (and Hardie's spreadsheet) give, for a customer with x = 2, t_x = 30.43, T = 38.86 weeks, 1.226
    /// purchases expected in the next 39 weeks.
    @Test func conditionalExpectationMatchesThePaper() {
        let parameters = BGNBDParameters(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426)
        let expected = parameters.expectedPurchases(in: 39, x: 2, tx: 30.43, T: 38.86)
        #expect(abs(expected - 1.226) < 0.002, "E[Y(39)] = \(expected)")
    }

    @Test func theEngineFitsInWeeksWhenToldTo() throws {
        let engine = ValueEngine(settings: AnalyticsSettings(timeUnitDays: 7))
        let model = try engine.fit(try Self.histories(), asOf: Date(timeIntervalSince1970: 0),
                                   fittedAt: Date(timeIntervalSince1970: 0))
        #expect(model.timeUnitName == "week")
        #expect(model.customers == 2357 && model.repeatCustomers == 946)
        Self.expectClose(model.bgnbd.alpha, 4.414, "alpha")
        Self.expectClose(try #require(model.gammaGamma).gamma, 15.44, "gamma")
    }

    @Test func daysAndWeeksGiveTheSameModelInDifferentUnits() throws {
        let summaries = try Self.summaries()
        let weeks = try BGNBD.fit(BGNBD.Data(summaries, timeUnitDays: 7)).parameters
        let days = try BGNBD.fit(BGNBD.Data(summaries, timeUnitDays: 1)).parameters
        Self.expectClose(days.alpha / 7, weeks.alpha, within: 1e-4, "alpha in weeks")
        Self.expectClose(days.r, weeks.r, within: 1e-4, "r")
        Self.expectClose(days.b, weeks.b, within: 1e-4, "b")
    }
}
