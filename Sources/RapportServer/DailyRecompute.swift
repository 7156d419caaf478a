import Foundation
import RapportCore
import RapportStore
import Vapor

/// The full recompute (analytics, then lifecycle) inside `serve`: shortly after start-up (the server may have been
/// down over midnight), then every day at 00:05 UTC, because time passing alone makes customers silent or churned and
/// changes what the model expects of them.
public final class DailyRecompute: LifecycleHandler, Sendable {
    private let background = BackgroundTask()

    /// Creates the job; register it with `app.lifecycle.use(_:)`.
    public init() {}

    /// The first run after `instant`: the next 00:05 UTC.
    public static func nextRun(after instant: Date) -> Date {
        let runAt = BusinessDay.start(of: BusinessDay.number(of: instant)).addingTimeInterval(5 * 60)
        return runAt > instant ? runAt : runAt.addingTimeInterval(86_400)
    }

    public func didBootAsync(_ application: Application) async throws {
        let recompute = Recompute(application)
        let clock = application.rapportDatabase.clock
        let logger = application.logger
        background.start {
            var wake = Date().addingTimeInterval(10)
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(max(wake.timeIntervalSinceNow, 0)))
                if Task.isCancelled { return }
                do {
                    let outcome = try await recompute.run(at: clock.now())
                    let values = outcome.values, lifecycle = outcome.lifecycle, crowds = outcome.crowds
                    logger.info("""
                        recompute: \(values.scored) customers scored, \(values.written) values written, \
                        \(values.events) value events\(values.skipped.map { " (analytics skipped: \($0))" } ?? ""); \
                        \(lifecycle.examined) customers judged, \(lifecycle.stageChanged) changed stage, \
                        \(lifecycle.events) stage events; \(crowds.crowds) crowds refreshed, \(crowds.entered) entries, \
                        \(crowds.left) exits
                        """)
                } catch {
                    logger.error("recompute failed: \(error)")
                }
                wake = Self.nextRun(after: Date())
            }
        }
    }

    public func shutdownAsync(_ application: Application) async {
        await background.stop()
    }
}
