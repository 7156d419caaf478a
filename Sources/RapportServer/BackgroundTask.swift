import Synchronization

/// The task a lifecycle handler runs beside the server: started when the application boots, cancelled and awaited
/// when it shuts down, so nothing runs on after the database is closed.
final class BackgroundTask: Sendable {
    private let task = Mutex<Task<Void, Never>?>(nil)

    /// Starts `operation`; it should return soon after it is cancelled.
    func start(_ operation: @escaping @Sendable () async -> Void) {
        task.withLock { $0 = Task(operation: operation) }
    }

    /// Cancels the task and waits for it to end.
    func stop() async {
        let running = task.withLock { task in
            defer { task = nil }
            return task
        }
        running?.cancel()
        await running?.value
    }
}
