import Glibc

/// An exclusive `flock` on the output directory itself, held for a whole
/// grok-bundle run: two runs never write, or clean up, the same bundles at
/// once. Locking the directory's own descriptor puts no lock file among
/// the bundles a web server publishes (grokmirror takes no lock at all).
package final class OutputDirectoryLock: @unchecked Sendable {
    private var fd: Int32

    private init(fd: Int32) { self.fd = fd }

    package enum Failure: Error, CustomStringConvertible {
        case cannotOpen(String, String)
        /// Another run holds it.
        case busy(String)
        package var description: String {
            switch self {
            case .cannotOpen(let path, let why): "cannot open output directory \(path): \(why)"
            case .busy(let path): "another grok-bundle run is writing \(path)"
            }
        }
    }

    /// Does not wait: a run started while another is still at work leaves
    /// the work to it.
    package static func acquire(_ directory: String) throws(Failure) -> OutputDirectoryLock {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotOpen(directory, FileSystem.errorDescription()) }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            close(fd)
            if code == EWOULDBLOCK { throw .busy(directory) }
            throw .cannotOpen(directory, FileSystem.errorDescription(code))
        }
        return OutputDirectoryLock(fd: fd)
    }

    package func release() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
    }

    deinit { release() }
}
