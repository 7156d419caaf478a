import Foundation
import RapportCore
import RapportStore
import Vapor

/// Computes the dashboard's figures and the crowds' sizes for administrators and analysts (who see every customer)
/// shortly after `serve` starts, so that on a big database the first person to open those pages finds them ready
/// instead of waiting for a computation of many seconds. `serve` registers it; tests and CLI commands do not.
public final class WebFigureWarmup: LifecycleHandler, Sendable {
    private let background = BackgroundTask()

    /// Creates the warm-up; register it with `app.lifecycle.use(_:)`.
    public init() {}

    public func didBootAsync(_ application: Application) async throws {
        let cache = application.webFigures
        let store = application.rapportDatabase
        let reports = application.rapport.reports
        let logger = application.logger
        background.start {
            try? await Task.sleep(for: .seconds(2))
            if Task.isCancelled { return }
            let started = Date()
            do {
                let crowds = try await CrowdRepository(store).list()
                _ = try await CrowdsPageController.sizes(of: crowds, days: CrowdsPageController.trendDays,
                                                         cache: cache, store: store, visibility: .all)
                _ = try await DashboardPageController.cachedFigures(
                    cache, store: store, reports: reports, visibility: .all, now: store.clock.now())
                logger.info("dashboard and crowd figures ready in \(Int(Date().timeIntervalSince(started) * 1000)) ms")
            } catch {
                logger.warning("dashboard figures could not be computed ahead: \(error)")
            }
        }
    }

    public func shutdownAsync(_ application: Application) async {
        await background.stop()
    }
}
