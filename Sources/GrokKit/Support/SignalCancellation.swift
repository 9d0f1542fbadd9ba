import Glibc

/// Runs a tool's work in a task that SIGINT and SIGTERM cancel. Everything
/// the work waits on (git and other commands, HTTP, SMTP, lock waits) ends
/// within seconds of the cancellation, so the work can save what it
/// completed and return normally, instead of the process dying mid-write or
/// outliving systemd's stop timeout. The signals stay ignored afterwards
/// (see `SignalWatcher`), so a second one cannot interrupt that saving.
package enum SignalCancellation {
    /// Returns what `body` returns; `body` learns of a signal through
    /// `Task.isCancelled` (and cancellation errors of what it awaits).
    /// `onSignal` is told each signal's number as it arrives.
    package static func run<T: Sendable>(on signals: [Int32] = [SIGINT, SIGTERM], onSignal: @escaping @Sendable (Int32) -> Void = { _ in },
                                        _ body: @escaping @Sendable () async -> T) async -> T {
        let work = Task { await body() }
        let watcher = SignalWatcher(signals) { number in
            onSignal(number)
            work.cancel()
        }
        defer { watcher.stop() }
        return await withTaskCancellationHandler {
            await work.value
        } onCancel: {
            work.cancel()
        }
    }
}
