import Foundation
import RapportCore
import Synchronization

/// Verified API tokens, kept for `Settings.tokenCacheSeconds` so that a request does not cost a token lookup.
/// Keyed by the SHA-256 of the secret, never the secret itself.
final class TokenCache: Sendable {
    struct Entry: Sendable {
        let principal: Principal
        let tokenID: UUID
        let expiresAt: Date
        var lastUsedRecordedAt: Date?
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// A live entry for this key.
    func entry(for key: String, now: Date) -> Entry? {
        entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            if entry.expiresAt <= now {
                entries[key] = nil
                return nil
            }
            return entry
        }
    }

    func store(_ entry: Entry, for key: String) {
        entries.withLock { $0[key] = entry }
    }

    /// Whether `last_used_at` should be written now (at most once a minute per token); marks it as written.
    func claimLastUsedWrite(for key: String, now: Date) -> Bool {
        entries.withLock { entries in
            guard var entry = entries[key] else { return false }
            if let last = entry.lastUsedRecordedAt, now.timeIntervalSince(last) < 60 { return false }
            entry.lastUsedRecordedAt = now
            entries[key] = entry
            return true
        }
    }

    /// Forgets a token at once, e.g. when it is revoked.
    func invalidate(tokenID: UUID) {
        entries.withLock { entries in
            entries = entries.filter { $0.value.tokenID != tokenID }
        }
    }
}
