import Glibc

/// An exclusive `lockf` lock on a lock file, the primitive grokmirror uses
/// for manifests (`.<name>.lock`) and repositories (`.<repo>.git.lock`), so
/// our tools and the reference exclude each other.
package final class FileLock: @unchecked Sendable {
    package enum Error: Swift.Error, CustomStringConvertible {
        case cannotOpen(String, String)
        case cannotLock(String, String)
        package var description: String {
            switch self {
            case .cannotOpen(let path, let why): return "cannot open lock file \(path): \(why)"
            case .cannotLock(let path, let why): return "cannot lock \(path): \(why)"
            }
        }
    }

    package let path: String
    private var fd: Int32

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    /// The lock file grokmirror uses for `target`: `<dir>/.<basename>.lock`.
    package static func lockPath(for target: String) -> String {
        PathUtilities.hiddenSibling(of: target, suffix: ".lock")
    }

    /// Blocks until the lock on `target` is held.
    package static func acquire(for target: String) throws(Error) -> FileLock {
        try open(target, blocking: true)!
    }

    /// Runs `body` holding the lock on `target` against other processes
    /// and against this process's other tasks (for locks that concurrent
    /// tasks of one run may want, such as an objstore repository's).
    /// Without `wait`, returns nil at once when another process holds it.
    package static func exclusively<T: Sendable>(for target: String, wait: Bool = true, _ body: () async throws -> T) async throws -> T? {
        let key = lockPath(for: target)
        await InProcessLocks.shared.acquire(key)
        let lock: FileLock
        do {
            guard let held = try open(target, blocking: wait) else {
                await InProcessLocks.shared.release(key)
                return nil
            }
            lock = held
        } catch {
            await InProcessLocks.shared.release(key)
            throw error
        }
        do {
            let value = try await body()
            lock.release()
            await InProcessLocks.shared.release(key)
            return value
        } catch {
            lock.release()
            await InProcessLocks.shared.release(key)
            throw error
        }
    }

    /// Returns nil at once when another process holds the lock.
    package static func tryAcquire(for target: String) throws(Error) -> FileLock? {
        try open(target, blocking: false)
    }

    private static func open(_ target: String, blocking: Bool) throws(Error) -> FileLock? {
        let path = lockPath(for: target)
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw .cannotOpen(path, FileSystem.errorDescription()) }
        while lockf(fd, blocking ? F_LOCK : F_TLOCK, 0) != 0 {
            let code = errno
            if code == EINTR { continue }
            close(fd)
            if !blocking && (code == EAGAIN || code == EACCES) { return nil }
            throw .cannotLock(path, FileSystem.errorDescription(code))
        }
        return FileLock(path: path, fd: fd)
    }

    package func release() {
        guard fd >= 0 else { return }
        _ = lockf(fd, F_ULOCK, 0)
        close(fd)
        fd = -1
    }

    deinit { release() }
}
