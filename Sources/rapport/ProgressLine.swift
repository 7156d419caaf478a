import Foundation
import Synchronization

/// A progress bar on standard error: bar, count, rate and time left, redrawn at most twice a second on a terminal;
/// into a log (standard error not a terminal) a line every ten seconds instead of one endless redrawn line.
final class ProgressLine: Sendable {
    private struct State {
        var total: Int
        var lastDraw = Date.distantPast
        var lastDone = -1
    }

    private let unit: String
    private let start = Date()
    private let onTerminal = isatty(STDERR_FILENO) == 1
    private let state: Mutex<State>

    /// A bar for `total` items (0 when the total is not known yet: see `update(_:of:)`).
    init(total: Int, unit: String) {
        self.unit = unit
        state = Mutex(State(total: total))
    }

    /// Shows `done` items finished, out of `total` when it is given.
    func update(_ done: Int, of total: Int? = nil) {
        let now = Date()
        let line: String? = state.withLock { state in
            if let total { state.total = total }
            let finished = done == state.total && done != state.lastDone
            guard now.timeIntervalSince(state.lastDraw) >= (onTerminal ? 0.5 : 10) || finished else { return nil }
            state.lastDraw = now
            state.lastDone = done
            let elapsed = max(now.timeIntervalSince(start), 0.001)
            let rate = Double(done) / elapsed
            let left = rate > 0 ? Double(max(state.total - done, 0)) / rate : 0
            let fraction = state.total > 0 ? min(Double(done) / Double(state.total), 1) : 0
            let filled = Int((fraction * 30).rounded(.down))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: 30 - filled)
            return String(format: "%@%@ %3.0f%%  %d/%d %@  %.0f/s  ETA %.0fs   %@", onTerminal ? "\r" : "", bar,
                          fraction * 100, done, state.total, unit, rate, left, onTerminal ? "" : "\n")
        }
        if let line { FileHandle.standardError.write(Data(line.utf8)) }
    }

    /// Ends the line with the elapsed time.
    func finish() {
        let elapsed = Date().timeIntervalSince(start)
        FileHandle.standardError.write(Data(String(format: "%@done in %.1fs\n", onTerminal ? "\n" : "", elapsed).utf8))
    }
}
