import ArgumentParser
import Foundation
import RapportCore
import RapportServer
import RapportStore

/// `rapport recompute [--as-of TIME]`: re-apply the lifecycle rules to every customer.
struct RecomputeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recompute",
        abstract: "Re-apply the lifecycle rules to every customer (what the daily job in `serve` does).",
        discussion: """
            Stage changes are dated when the rules place them (a customer went silent on the day its silence \
            began), up to the instant the rules are applied at. Running it again with nothing new writes nothing.
            """)

    @OptionGroup var options: SettingsOptions

    @Option(help: "Apply the rules as at this RFC 3339 time instead of now.")
    var asOf: String?

    func validate() throws {
        if let asOf, RFC3339.parse(asOf) == nil {
            throw ValidationError("--as-of: expected an RFC 3339 time such as 2026-01-31T09:00:00Z")
        }
    }

    func run() async throws {
        let settings = try CommandSettings.resolve(options.flags)
        try await RapportRuntime.withApplication(settings) { app in
            let instant = asOf.flatMap(RFC3339.parse) ?? app.rapportDatabase.clock.now()
            let started = Date()
            let progress = ProgressLine(total: 0, unit: "customers")
            let report = try await LifecycleRecompute(app.rapportDatabase, engine: app.lifecycleEngine).run(
                at: instant, progress: { done, total in progress.update(done, of: total) })
            progress.finish()
            Terminal.emit("""
                Recomputed as of \(RFC3339.format(instant)) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s: \
                \(report.examined) customers, \(report.stageChanged) changed stage, \
                \(report.interactionsChanged) changed 90-day interaction counts, \(report.events) events.
                """)
        }
    }
}
