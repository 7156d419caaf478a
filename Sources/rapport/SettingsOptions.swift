import ArgumentParser
import Foundation
import RapportCore
import RapportServer

/// The options every command that touches data takes.
struct SettingsOptions: ParsableArguments {
    @Option(help: "SQLite database file (env RAPPORT_DATABASE; default ./rapport-data/rapport.sqlite).")
    var database: String?

    @Option(help: "PostgreSQL URL; overrides --database (env DATABASE_URL).")
    var databaseURL: String?

    @Option(help: "Region for phone numbers without a country code (env RAPPORT_PHONE_REGION; default CN).")
    var phoneRegion: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical (env RAPPORT_LOG_LEVEL; default info).")
    var logLevel: String?

    /// The flags given, by setting.
    var flags: [Settings.Key: String] {
        var flags: [Settings.Key: String] = [:]
        flags[.database] = database
        flags[.databaseURL] = databaseURL
        flags[.phoneRegion] = phoneRegion
        flags[.logLevel] = logLevel
        return flags
    }
}

/// Settings for a command from its flags and the environment.
enum CommandSettings {
    /// Resolves settings, or fails with the list of invalid ones.
    static func resolve(_ flags: [Settings.Key: String]) throws -> Settings {
        do {
            return try Settings.resolve(flags: flags, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError(error.description)
        }
    }
}

/// Writes to standard output at once: `print` is buffered when the output is a file or pipe, and a server that is
/// stopped with a signal would lose the first-run password.
enum Terminal {
    static func emit(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
