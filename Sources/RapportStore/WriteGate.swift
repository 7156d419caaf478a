/// Lets one write transaction run at a time, first come first served.
///
/// SQLite allows one writer per database; a transaction that reads and then writes while another writer commits
/// fails with `SQLITE_BUSY` instead of waiting. Queueing writers in the process avoids that. PostgreSQL needs no
/// gate: its row locks order concurrent writers.
public actor WriteGate {
    private var isHeld = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Creates an open gate.
    public init() {}

    /// Runs `body` when no other body holds the gate.
    public func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        do {
            let result = try await body()
            release()
            return result
        } catch {
            release()
            throw error
        }
    }

    private func acquire() async {
        if isHeld {
            await withCheckedContinuation { waiters.append($0) }
        } else {
            isHeld = true
        }
    }

    private func release() {
        if waiters.isEmpty {
            isHeld = false
        } else {
            // The gate passes straight to the next waiter, so `isHeld` stays true.
            waiters.removeFirst().resume()
        }
    }
}
