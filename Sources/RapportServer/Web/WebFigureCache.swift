import Foundation
import Synchronization
import Vapor

/// Figures that are slow to compute on a big database (the dashboard's, the crowds' sizes and trends).
///
/// Each figure is kept with the change-log position it was computed at (`EventLog.latestSeq`). While no customer has
/// changed, the kept figures are exact and served as they are. After a change, figures that were quick to compute are
/// computed again at once, so a small deployment (and every test) always sees current figures; figures that took
/// `slow` or more are served as kept while a background computation brings them up to date, so on a big database a
/// page answers at once, one computation behind at most. Requests that arrive while a key's first computation runs
/// wait for it rather than start their own.
final class WebFigureCache: Sendable {
    static let slow: TimeInterval = 2
    /// Kept figures are also recomputed after this long even without a change in the log (values and crowd sizes
    /// move with time passing, too).
    static let maxAge: TimeInterval = 300

    private enum Slot {
        case computing(Task<any Sendable, any Error>)
        case ready(Kept)
    }

    private struct Kept {
        let value: any Sendable
        let version: Int64
        let computedAt: Date
        let seconds: TimeInterval
        var refreshing: Bool
    }

    /// What a request does with a key's slot.
    private enum Next {
        case use(any Sendable)
        case refreshAndUse(any Sendable)
        case await(Task<any Sendable, any Error>)
    }

    private let slots = Mutex<[String: Slot]>([:])

    /// The figures under `key` as of change-log position `version`; see the type's description.
    func value<Value: Sendable>(
        _ key: String, version: Int64, compute: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        let now = Date()
        let next: Next = slots.withLock { slots in
            if case .computing(let task)? = slots[key] { return .await(task) }
            if case .ready(var kept)? = slots[key] {
                let current = kept.version == version && now.timeIntervalSince(kept.computedAt) < Self.maxAge
                if current { return .use(kept.value) }
                if kept.seconds >= Self.slow {
                    guard !kept.refreshing else { return .use(kept.value) }
                    kept.refreshing = true
                    slots[key] = .ready(kept)
                    return .refreshAndUse(kept.value)
                }
            }
            let task = Task<any Sendable, any Error> { try await self.compute(key, version, compute) }
            slots[key] = .computing(task)
            return .await(task)
        }
        switch next {
        case .use(let value):
            if let value = value as? Value { return value }
        case .refreshAndUse(let value):
            Task.detached { [self] in _ = try? await self.compute(key, version, compute) }
            if let value = value as? Value { return value }
        case .await(let task):
            if let value = try await task.value as? Value { return value }
        }
        // A key reused for figures of another type: compute them plainly.
        return try await compute()
    }

    private func compute<Value: Sendable>(
        _ key: String, _ version: Int64, _ compute: @Sendable () async throws -> Value
    ) async throws -> Value {
        let started = Date()
        do {
            let value = try await compute()
            let finished = Date()
            slots.withLock { slots in
                slots[key] = .ready(Kept(value: value, version: version, computedAt: finished,
                                         seconds: finished.timeIntervalSince(started), refreshing: false))
            }
            return value
        } catch {
            _ = slots.withLock { $0.removeValue(forKey: key) }
            throw error
        }
    }
}

extension Application {
    private struct FigureCacheKey: StorageKey {
        typealias Value = WebFigureCache
    }

    /// The web UI's cache of slow figures, set up by `WebUI.configure`.
    var webFigures: WebFigureCache {
        get { storage[FigureCacheKey.self] ?? WebFigureCache() }
        set { storage[FigureCacheKey.self] = newValue }
    }
}
