import Glibc
import Synchronization

/// A single self-rewriting status line on stderr for long runs, shown only
/// when stderr is a terminal. Log messages printed meanwhile clear it first,
/// so the two never interleave.
package final class ProgressLine: Sendable {
    package static let shared = ProgressLine()

    private let isTerminal = isatty(2) == 1
    private struct State { var visible = false; var lastDraw: Double = 0 }
    private let state = Mutex(State())

    /// Redraws at most ten times a second.
    package func update(_ text: @autoclosure () -> String) {
        guard isTerminal else { return }
        let line = text()
        state.withLock { state in
            let now = MonotonicTime.seconds()
            guard now - state.lastDraw >= 0.1 else { return }
            state.lastDraw = now
            _ = FileSystem.writeAll(2, Array("\r\u{1B}[K\(line)".utf8))
            state.visible = true
        }
    }

    package func clear() {
        guard isTerminal else { return }
        state.withLock { state in
            if state.visible { _ = FileSystem.writeAll(2, Array("\r\u{1B}[K".utf8)) }
            state.visible = false
            state.lastDraw = 0
        }
    }

    func interrupt(_ body: () -> Void) {
        clear()
        body()
    }
}
