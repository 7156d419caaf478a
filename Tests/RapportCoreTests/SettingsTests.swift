import Foundation
import Testing
@testable import RapportCore

@Suite("Settings: flags over environment over defaults")
struct SettingsTests {
    @Test("defaults apply when nothing is given")
    func defaults() throws {
        let settings = try Settings.resolve(flags: [:], environment: [:])
        #expect(settings.databasePath == "./rapport-data/rapport.sqlite")
        #expect(settings.databaseURL == nil)
        #expect(settings.host == "127.0.0.1")
        #expect(settings.port == 8080)
        #expect(settings.phoneRegion == "CN")
        #expect(settings.maxBodyBytes == 1_048_576)
    }

    @Test("a flag beats the environment, which beats the default")
    func precedence() throws {
        let environment = ["RAPPORT_PORT": "9000", "RAPPORT_PHONE_REGION": "us", "DATABASE_URL": "postgres://db/x"]
        let settings = try Settings.resolve(flags: [.port: "9100"], environment: environment)
        #expect(settings.port == 9100)
        #expect(settings.phoneRegion == "US")
        #expect(settings.databaseURL == "postgres://db/x")
    }

    @Test("every invalid setting is listed in one error")
    func listsEveryProblem() {
        let environment = ["RAPPORT_PORT": "http", "RAPPORT_PHONE_REGION": "XX", "RAPPORT_LOG_LEVEL": "loud",
                           "DATABASE_URL": "mysql://x", "RAPPORT_MAX_BODY_BYTES": "1"]
        #expect {
            try Settings.resolve(flags: [:], environment: environment)
        } throws: { error in
            let problems = (error as? SettingsError)?.problems ?? []
            return problems.count == 5
                && problems.contains { $0.contains("RAPPORT_PORT") }
                && problems.contains { $0.contains("RAPPORT_PHONE_REGION") }
                && problems.contains { $0.contains("RAPPORT_LOG_LEVEL") }
                && problems.contains { $0.contains("DATABASE_URL") }
                && problems.contains { $0.contains("RAPPORT_MAX_BODY_BYTES") }
        }
    }

    @Test("base currency and lifecycle thresholds: defaults, environment, and rejected values")
    func lifecycleSettings() throws {
        let defaults = try Settings.resolve(flags: [:], environment: [:])
        #expect(defaults.baseCurrency == "CNY")
        #expect(defaults.lifecycle == LifecycleSettings())
        #expect(defaults.dailyRecompute)
        #expect(try !Settings.resolve(flags: [:], environment: ["RAPPORT_DAILY_RECOMPUTE": "OFF"]).dailyRecompute)
        let custom = try Settings.resolve(flags: [:], environment: [
            "RAPPORT_BASE_CURRENCY": "usd", "RAPPORT_NEW_DAYS": "14", "RAPPORT_SILENT_GAP_MULTIPLE": "3",
        ])
        #expect(custom.baseCurrency == "USD")
        #expect(custom.lifecycle.newDays == 14)
        #expect(custom.lifecycle.silentGapMultiple == 3)
        #expect {
            try Settings.resolve(flags: [:], environment: [
                "RAPPORT_BASE_CURRENCY": "yuan", "RAPPORT_CHURN_MIN_DAYS": "30", "RAPPORT_NEW_DAYS": "-1",
                "RAPPORT_DAILY_RECOMPUTE": "sometimes",
            ])
        } throws: { error in
            let problems = (error as? SettingsError)?.problems ?? []
            return problems.count == 4 && problems.contains { $0.contains("RAPPORT_DAILY_RECOMPUTE") }
                && problems.contains { $0.contains("RAPPORT_BASE_CURRENCY") }
                && problems.contains { $0.contains("RAPPORT_NEW_DAYS") }
                && problems.contains { $0.contains("RAPPORT_CHURN_MIN_DAYS") && $0.contains("more than") }
        }
    }

    @Test("analytics settings: defaults, environment, and every rejected value named")
    func analyticsSettings() throws {
        #expect(try Settings.resolve(flags: [:], environment: [:]).analytics == AnalyticsSettings())
        let custom = try Settings.resolve(flags: [:], environment: [
            "RAPPORT_ANALYTICS_TIME_UNIT": "Week", "RAPPORT_ABC_A_SHARE": "0.7", "RAPPORT_CHURN_P_ALIVE": "0.1",
            "RAPPORT_RFM_WINDOW_DAYS": "180",
        ])
        #expect(custom.analytics.timeUnitDays == 7)
        #expect(custom.analytics.abcAShare == 0.7)
        #expect(custom.analytics.churnPAlive == 0.1)
        #expect(custom.analytics.rfmWindowDays == 180)
        #expect {
            try Settings.resolve(flags: [:], environment: [
                "RAPPORT_ANALYTICS_TIME_UNIT": "month", "RAPPORT_ABC_A_SHARE": "0.9", "RAPPORT_ABC_B_SHARE": "0.85",
                "RAPPORT_CLV_DISCOUNT_RATE": "-0.1", "RAPPORT_CHURN_P_ALIVE": "2", "RAPPORT_SHIFT_MIN_PURCHASES": "1",
            ])
        } throws: { error in
            let problems = (error as? SettingsError)?.problems ?? []
            return problems.count == 5
                && problems.contains { $0.contains("RAPPORT_ANALYTICS_TIME_UNIT") }
                && problems.contains { $0.contains("RAPPORT_ABC_B_SHARE") && $0.contains("more than") }
                && problems.contains { $0.contains("RAPPORT_CLV_DISCOUNT_RATE") }
                && problems.contains { $0.contains("RAPPORT_CHURN_P_ALIVE") }
                && problems.contains { $0.contains("RAPPORT_SHIFT_MIN_PURCHASES") }
        }
    }
}
