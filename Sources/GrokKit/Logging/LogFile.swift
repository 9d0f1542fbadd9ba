import Glibc
import Synchronization

/// An append-only log file that reopens itself when logrotate moves it away,
/// like Python's `WatchedFileHandler` that grokmirror uses.
public final class LogFile: Sendable {
    public let path: String
    private struct State: ~Copyable {
        var fd: Int32 = -1
        var device: UInt = 0
        var inode: UInt = 0
    }
    private let state = Mutex(State())

    public init(path: String) throws(ConfigError) {
        self.path = path
        let opened = state.withLock { state in Self.reopen(path, &state) }
        guard opened else { throw .unreadable(path: path, reason: "cannot open log file: \(FileSystem.errorDescription())") }
    }

    private static func reopen(_ path: String, _ state: inout State) -> Bool {
        if state.fd >= 0 { close(state.fd) }
        state.fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o666)
        var info = stat()
        guard state.fd >= 0, fstat(state.fd, &info) == 0 else { return false }
        state.device = UInt(info.st_dev)
        state.inode = UInt(info.st_ino)
        return true
    }

    /// Opens the path afresh (SIGHUP after logrotate's copytruncate or move).
    public func reopen() {
        state.withLock { state in _ = Self.reopen(path, &state) }
    }

    public func append(_ line: String) {
        state.withLock { state in
            var info = stat()
            if stat(path, &info) != 0 || UInt(info.st_dev) != state.device || UInt(info.st_ino) != state.inode {
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
