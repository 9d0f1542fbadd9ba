import Glibc
import Synchronization

/// An append-only log file that reopens itself when logrotate moves it away,
/// like Python's `WatchedFileHandler` that grokmirror uses.
package final class LogFile: Sendable {
    package let path: String
    private struct State: ~Copyable {
        var fd: Int32 = -1
        var identity: FileIdentity?
    }
    private let state = Mutex(State())

    package init(path: String) throws(ConfigError) {
        self.path = path
        let opened = state.withLock { state in Self.reopen(path, &state) }
        guard opened else { throw .unreadable(path: path, reason: "cannot open log file: \(FileSystem.errorDescription())") }
    }

    private static func reopen(_ path: String, _ state: inout State) -> Bool {
        if state.fd >= 0 { close(state.fd) }
        state.fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o666)
        state.identity = state.fd >= 0 ? FileIdentity(descriptor: state.fd) : nil
        return state.identity != nil
    }

    /// Opens the path afresh (SIGHUP after logrotate's copytruncate or move).
    package func reopen() {
        state.withLock { state in _ = Self.reopen(path, &state) }
    }

    package func append(_ line: String) {
        state.withLock { state in
            if !FileIdentity.sameFile(FileIdentity(path: path), state.identity) {
                _ = Self.reopen(path, &state)
            }
            guard state.fd >= 0 else { return }
            _ = FileSystem.writeAll(state.fd, Array(line.utf8))
        }
    }

    deinit {
        state.withLock { state in if state.fd >= 0 { close(state.fd) } }
    }
}
