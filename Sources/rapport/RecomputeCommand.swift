import ArgumentParser
import Foundation
import RapportCore
import RapportServer
import RapportStore
import Synchronization

/// `rapport recompute [--as-of TIME]`: the analytics engine, then the lifecycle rules, over every customer.
struct RecomputeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recompute",
        abstract: "Fit the value model, score every customer and re-apply the lifecycle rules (what `serve` does daily).",
        discussion: """
            Reads every purchase in one streaming pass, fits BG/NBD and Gamma-Gamma, scores each customer (RFM, \
            ABC, tier, CLV, P(alive), churn risk, behaviour shifts) and writes back only the values that changed; \
            then re-applies the lifecycle rules, with P(alive) from the new model as churn evidence. Stage changes \
            are dated when the rules place them, up to the instant the rules are applied at. Running it again with \
            nothing new writes nothing.
            """)

    @OptionGroup var options: SettingsOptions

    @Option(help: "Compute as at this RFC 3339 time instead of now.")
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
            let bars = PhaseBars()
            let outcome = try await Recompute(app).run(at: instant) { phase, done, total in
                bars.update(phase, done, total)
            }
            let values = outcome.values, lifecycle = outcome.lifecycle, crowds = outcome.crowds
            bars.finish()
            let seconds = Date().timeIntervalSince(started)
            func row(_ figure: String, _ value: String) -> String {
                "| " + figure.padding(toLength: 34, withPad: " ", startingAt: 0) + " | " + value + " |"
            }
            var lines = [
                "Recomputed as of \(RFC3339.format(instant)) in \(String(format: "%.1f", seconds)) s",
                "", row("figure", "value"), row(String(repeating: "-", count: 34), "---"),
            ]
            if let model = values.model {
                lines.append(row("customers scored", "\(values.scored)"))
                lines.append(row("BG/NBD r, alpha, a, b", String(
                    format: "%.4g, %.4g %@s, %.4g, %.4g", model.bgnbd.r, model.bgnbd.alpha, model.timeUnitName,
                    model.bgnbd.a, model.bgnbd.b)))
                if let spend = model.gammaGamma {
                    lines.append(row("Gamma-Gamma p, q, gamma", String(format: "%.4g, %.4g, %.4g minor units",
                                                                        spend.p, spend.q, spend.gamma)))
                }
                lines.append(row("values written / removed", "\(values.written) / \(values.removed)"))
                lines.append(row("value events (classes, shifts)", "\(values.events)"))
                lines.append(row("product affinities", "\(values.affinities)"))
                lines.append(row("analytics read / model / write (s)", String(
                    format: "%.1f / %.1f / %.1f", values.readSeconds, values.modelSeconds, values.writeSeconds)))
            } else {
                lines.append(row("analytics", "skipped: \(values.skipped ?? "no data")"))
            }
            lines.append(row("customers judged (lifecycle)", "\(lifecycle.examined)"))
            lines.append(row("changed stage", "\(lifecycle.stageChanged)"))
            lines.append(row("changed 90-day interaction counts", "\(lifecycle.interactionsChanged)"))
            lines.append(row("stage events", "\(lifecycle.events)"))
            lines.append(row("crowds refreshed", "\(crowds.crowds)"))
            lines.append(row("crowd entries / exits", "\(crowds.entered) / \(crowds.left)"))
            lines.append(row("crowds (s)", String(format: "%.1f", crowds.seconds)))
            Terminal.emit(lines.joined(separator: "\n"))
        }
    }
}

/// One progress bar per phase of the recompute, started when the phase first reports.
private final class PhaseBars: Sendable {
    private let bars = Mutex<(phase: String, bar: ProgressLine)?>(nil)

    private static let units = ["read": "snapshots", "write": "values", "lifecycle": "customers"]

    func update(_ phase: String, _ done: Int, _ total: Int) {
        let bar: ProgressLine = bars.withLock { current in
            if let current, current.phase == phase { return current.bar }
            current?.bar.finish()
            FileHandle.standardError.write(Data("\(phase):\n".utf8))
            let bar = ProgressLine(total: total, unit: Self.units[phase] ?? "steps")
            current = (phase, bar)
            return bar
        }
        bar.update(done, of: total)
    }

    func finish() {
        bars.withLock { $0?.bar.finish() }
    }
}
