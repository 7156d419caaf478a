import Foundation
import RapportAnalytics
import RapportCore
import RapportStore
import Vapor

/// The full recompute — `rapport recompute`, the daily job in `serve` and `POST /api/v1/lifecycle/recompute`: the
/// analytics engine first (its fresh model is the lifecycle rules' P(alive) evidence), then the lifecycle rules, then
/// every crowd's membership (which reads both).
public struct Recompute: Sendable {
    let store: RapportDatabase
    let services: RapportServices

    /// The recompute of an application's database.
    public init(_ app: Application) {
        store = app.rapportDatabase
        services = app.rapport
    }

    init(store: RapportDatabase, services: RapportServices) {
        self.store = store
        self.services = services
    }

    /// What each phase did.
    public struct Outcome: Sendable {
        public let values: ValueReport
        public let lifecycle: RecomputeReport
        public let crowds: CrowdRefreshReport
    }

    /// Runs the phases as of `instant`.
    /// - Parameter progress: the phase ("read", "model", "write", "lifecycle") and its progress.
    public func run(
        at instant: Date, progress: @escaping @Sendable (String, Int, Int) -> Void = { _, _, _ in }
    ) async throws -> Outcome {
        let values = try await ValueRecompute(store, engine: services.values, current: services.valueModel)
            .run(at: instant, progress: progress)
        let lifecycle = try await LifecycleRecompute(store, engine: services.lifecycle)
            .run(at: instant, progress: { done, total in progress("lifecycle", done, total) })
        let crowds = try await CrowdRepository(store).refreshAll(at: instant)
        return Outcome(values: values, lifecycle: lifecycle, crowds: crowds)
    }
}
