import Dispatch
import Glibc
import Synchronization

/// The child process of one `CommandRunner` run, so that cancelling the
/// task (grok-pull and grok-fsck on SIGTERM or SIGINT) stops it instead of
/// waiting for it: its process group gets SIGTERM at once and, if it has
/// not been reaped `grace` later (a child that ignores SIGTERM, or is
/// blocked where signals wait), SIGKILL.
///
/// The pid is forgotten only once the child has exited and just before it
/// is reaped, so a pid the kernel reuses is never signalled.
final class CancellableChild: Sendable {
    private struct State {
        var pid: pid_t = 0
        var cancelled = false
        /// `MonotonicTime.seconds()` of the cancellation.
        var cancelledAt: Double? = nil
    }

    private let state = Mutex(State())
    /// How long a cancelled child may take to act on SIGTERM (git removes
    /// its lock and temporary files) before it is killed.
    let grace: Duration

    init(grace: Duration = .seconds(2)) { self.grace = grace }

    /// Whether `cancel()` was called; a run that was cancelled reports
    /// `CommandError.cancelled`, however its child ended.
    var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Records the spawned child; one cancelled already is stopped at once.
    func started(_ pid: pid_t) {
        let cancelled = state.withLock { state in
            state.pid = pid
            return state.cancelled
        }
        if cancelled { terminate() }
    }

    /// Called once the child has exited, before it is reaped.
    func exited() { state.withLock { $0.pid = 0 } }

    /// When the run stops waiting for the child's output after a
    /// cancellation: the grace period plus one second, so that a process
    /// that escaped the group and keeps the pipes open (a daemonizing
    /// `manifest_command`) cannot hold the run until its timeout.
    var abandonAt: Double? {
        state.withLock { $0.cancelledAt }.map { $0 + grace.inSeconds + 1 }
    }

    func cancel() {
        let alreadyCancelled = state.withLock { state in
            defer {
                state.cancelled = true
                if state.cancelledAt == nil { state.cancelledAt = MonotonicTime.seconds() }
            }
            return state.cancelled
        }
        if !alreadyCancelled { terminate() }
    }

    /// SIGTERM to the child's process group now, SIGKILL after the grace
    /// period unless it has exited by then.
    private func terminate() {
        signalGroup(SIGTERM)
        DispatchQueue.global().asyncAfter(deadline: .now() + grace.inSeconds) { [self] in signalGroup(SIGKILL) }
    }

    private func signalGroup(_ number: Int32) {
        state.withLock { state in
            if state.pid > 0 { kill(-state.pid, number) }
        }
    }
}
