import Foundation

/// Rapport's configuration, resolved once at start-up: command-line flags win over `RAPPORT_*` environment
/// variables, which win over defaults.
public struct Settings: Equatable, Sendable {
    /// SQLite database file, used when `databaseURL` is nil.
    public var databasePath: String
    /// PostgreSQL connection URL; when set, Rapport uses PostgreSQL instead of SQLite.
    public var databaseURL: String?
    /// Address `serve` listens on.
    public var host: String
    /// Port `serve` listens on; 0 picks any free port.
    public var port: Int
    /// ISO 3166-1 region for phone numbers written without a country code.
    public var phoneRegion: String
    /// Largest accepted request body, in bytes.
    public var maxBodyBytes: Int
    /// How long a verified API token is trusted before it is looked up again. Revoking through the API takes effect
    /// at once; revoking from the CLI of another process takes effect within this time.
    public var tokenCacheSeconds: Int
    /// Log level: trace, debug, info, notice, warning, error or critical.
    public var logLevel: String
    /// The one ISO 4217 currency this deployment keeps money in.
    public var baseCurrency: String
    /// The thresholds of the lifecycle rules.
    public var lifecycle: LifecycleSettings
    /// Whether `serve` recomputes every customer's stage and value shortly after start and then daily.
    public var dailyRecompute: Bool
    /// The knobs of the analytics engine.
    public var analytics: AnalyticsSettings
    /// The duplicate score from which a scan merges a pair without review; nil (`off`, the default) leaves every
    /// pair to a person.
    public var dedupeAutoMerge: Double? = nil
    /// Whether the server is reached over HTTPS through a proxy that terminates TLS: the web UI's cookies are then
    /// marked `Secure`, so a browser never sends them in clear text.
    public var behindTLS = false

    /// One setting: its flag, its environment variable and its default.
    public enum Key: String, CaseIterable, Sendable {
        case database
        case databaseURL = "database-url"
        case host, port
        case phoneRegion = "phone-region"
        case maxBodyBytes = "max-body-bytes"
        case tokenCacheSeconds = "token-cache-seconds"
        case logLevel = "log-level"
        case baseCurrency = "base-currency"
        case newDays = "new-days"
        case silentMinDays = "silent-min-days"
        case silentGapMultiple = "silent-gap-multiple"
        case churnMinDays = "churn-min-days"
        case churnGapMultiple = "churn-gap-multiple"
        case dailyRecompute = "daily-recompute"
        case rfmWindowDays = "rfm-window-days"
        case abcAShare = "abc-a-share"
        case abcBShare = "abc-b-share"
        case clvDiscountRate = "clv-discount-rate"
        case analyticsTimeUnit = "analytics-time-unit"
        case churnPAlive = "churn-p-alive"
        case shiftMinPurchases = "shift-min-purchases"
        case shiftMinBaskets = "shift-min-baskets"
        case dedupeAutoMerge = "dedupe-auto-merge"
        case behindTLS = "behind-tls"

        /// The environment variable that sets it.
        public var environmentName: String {
            switch self {
            case .databaseURL: "DATABASE_URL"
            default: "RAPPORT_" + rawValue.uppercased().replacingOccurrences(of: "-", with: "_")
            }
        }

        /// The value used when neither a flag nor the environment sets it.
        public var defaultValue: String? {
            switch self {
            case .database: "./rapport-data/rapport.sqlite"
            case .databaseURL: nil
            case .host: "127.0.0.1"
            case .port: "8080"
            case .phoneRegion: "CN"
            case .maxBodyBytes: "1048576"
            case .tokenCacheSeconds: "5"
            case .logLevel: "info"
            case .baseCurrency: "CNY"
            case .newDays: "30"
            case .silentMinDays: "60"
            case .silentGapMultiple: "2.5"
            case .churnMinDays: "180"
            case .churnGapMultiple: "5"
            case .dailyRecompute: "on"
            case .rfmWindowDays: "365"
            case .abcAShare: "0.8"
            case .abcBShare: "0.95"
            case .clvDiscountRate: "0.01"
            case .analyticsTimeUnit: "day"
            case .churnPAlive: "0.2"
            case .shiftMinPurchases: "8"
            case .shiftMinBaskets: "3"
            case .dedupeAutoMerge: "off"
            case .behindTLS: "off"
            }
        }
    }

    /// The log levels `logLevel` accepts.
    public static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// Resolves every setting and validates them all.
    /// - Parameters:
    ///   - flags: values given on the command line, by key.
    ///   - environment: the process environment.
    /// - Throws: `SettingsError` naming every invalid setting, not just the first.
    public static func resolve(
        flags: [Key: String], environment: [String: String]
    ) throws(SettingsError) -> Settings {
        var problems: [String] = []
        func raw(_ key: Key) -> String? {
            let value = flags[key] ?? environment[key.environmentName] ?? key.defaultValue
            return value?.isEmpty == true ? key.defaultValue : value
        }
        func describe(_ key: Key) -> String { "--\(key.rawValue) / \(key.environmentName)" }
        func integer(_ key: Key, in range: ClosedRange<Int>) -> Int {
            guard let text = raw(key), let value = Int(text), range.contains(value) else {
                problems.append("\(describe(key)): expected a whole number from \(range.lowerBound) to "
                    + "\(range.upperBound), got '\(raw(key) ?? "")'")
                return range.lowerBound
            }
            return value
        }

        func number(_ key: Key, in range: ClosedRange<Double>) -> Double {
            guard let text = raw(key), let value = Double(text), range.contains(value) else {
                problems.append("\(describe(key)): expected a number from \(range.lowerBound) to "
                    + "\(range.upperBound), got '\(raw(key) ?? "")'")
                return range.lowerBound
            }
            return value
        }

        let port = integer(.port, in: 0...65535)
        let maxBodyBytes = integer(.maxBodyBytes, in: 1024...(1 << 30))
        let tokenCacheSeconds = integer(.tokenCacheSeconds, in: 0...3600)
        let region = (raw(.phoneRegion) ?? "").uppercased()
        if PhoneRegion.named(region) == nil {
            problems.append("\(describe(.phoneRegion)): unknown region '\(region)'; expected one of "
                + PhoneRegion.all.map(\.code).sorted().joined(separator: ", "))
        }
        let logLevel = (raw(.logLevel) ?? "").lowercased()
        if !logLevels.contains(logLevel) {
            problems.append("\(describe(.logLevel)): expected one of \(logLevels.joined(separator: ", ")), "
                + "got '\(logLevel)'")
        }
        let databaseURL = raw(.databaseURL)
        if let databaseURL, !(databaseURL.hasPrefix("postgres://") || databaseURL.hasPrefix("postgresql://")) {
            problems.append("\(describe(.databaseURL)): expected a postgres:// URL")
        }
        let host = raw(.host) ?? ""
        if host.isEmpty || host.contains(" ") {
            problems.append("\(describe(.host)): expected a host name or address")
        }
        let baseCurrency = (raw(.baseCurrency) ?? "").uppercased()
        if baseCurrency.count != 3 || !baseCurrency.allSatisfy({ $0.isASCII && $0.isLetter }) {
            problems.append("\(describe(.baseCurrency)): expected a three-letter ISO 4217 code such as CNY")
        }
        let lifecycle = LifecycleSettings(
            newDays: integer(.newDays, in: 1...3650), silentMinDays: integer(.silentMinDays, in: 1...3650),
            silentGapMultiple: number(.silentGapMultiple, in: 1...100), churnMinDays: integer(.churnMinDays, in: 1...3650),
            churnGapMultiple: number(.churnGapMultiple, in: 1...100))
        if lifecycle.churnMinDays <= lifecycle.silentMinDays {
            problems.append("\(describe(.churnMinDays)): must be more than --silent-min-days")
        }
        if lifecycle.churnGapMultiple <= lifecycle.silentGapMultiple {
            problems.append("\(describe(.churnGapMultiple)): must be more than --silent-gap-multiple")
        }
        let dailyRecompute = raw(.dailyRecompute)?.lowercased()
        if dailyRecompute != "on", dailyRecompute != "off" {
            problems.append("\(describe(.dailyRecompute)): expected on or off")
        }
        let analytics = AnalyticsSettings(
            rfmWindowDays: integer(.rfmWindowDays, in: 7...3650), abcAShare: number(.abcAShare, in: 0.01...0.99),
            abcBShare: number(.abcBShare, in: 0.01...0.999), monthlyDiscountRate: number(.clvDiscountRate, in: 0...1),
            timeUnitDays: raw(.analyticsTimeUnit)?.lowercased() == "week" ? 7 : 1,
            churnPAlive: number(.churnPAlive, in: 0...1), shiftMinPurchases: integer(.shiftMinPurchases, in: 2...10_000),
            shiftMinBaskets: integer(.shiftMinBaskets, in: 2...10_000))
        if !["day", "week"].contains(raw(.analyticsTimeUnit)?.lowercased() ?? "") {
            problems.append("\(describe(.analyticsTimeUnit)): expected day or week")
        }
        if analytics.abcBShare <= analytics.abcAShare {
            problems.append("\(describe(.abcBShare)): must be more than --abc-a-share")
        }
        var dedupeAutoMerge: Double?
        if let text = raw(.dedupeAutoMerge)?.lowercased(), text != "off" {
            if let value = Double(text), (0.5...1).contains(value) {
                dedupeAutoMerge = value
            } else {
                problems.append("\(describe(.dedupeAutoMerge)): expected off or a duplicate score from 0.5 to 1")
            }
        }
        let behindTLS = raw(.behindTLS)?.lowercased()
        if behindTLS != "on", behindTLS != "off" {
            problems.append("\(describe(.behindTLS)): expected on or off")
        }
        guard problems.isEmpty else { throw SettingsError(problems: problems) }
        var settings = Settings(
            databasePath: raw(.database) ?? "", databaseURL: databaseURL, host: host, port: port,
            phoneRegion: region, maxBodyBytes: maxBodyBytes, tokenCacheSeconds: tokenCacheSeconds,
            logLevel: logLevel, baseCurrency: baseCurrency, lifecycle: lifecycle, dailyRecompute: dailyRecompute == "on",
            analytics: analytics, dedupeAutoMerge: dedupeAutoMerge)
        settings.behindTLS = behindTLS == "on"
        return settings
    }
}

/// Settings that cannot be used; lists every one of them.
public struct SettingsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// One line per invalid setting.
    public let problems: [String]

    /// The message printed at start-up.
    public var description: String {
        "invalid settings:\n" + problems.map { "  - " + $0 }.joined(separator: "\n")
    }
}
