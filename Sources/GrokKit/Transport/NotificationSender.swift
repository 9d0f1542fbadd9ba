import Glibc

/// The client side of grok-pull's `pull.socket` (`NotificationSocket`): one
/// connection, one newline-terminated gitdir. grok-serve sends one for a
/// webhook and for an archive of a revision the mirror lacks yet.
package enum NotificationSender {
    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }

    /// Writes `gitdir` and a newline to the socket at `path`. Blocks for at
    /// most about `timeout` seconds (a listener whose backlog is full).
    package static func send(gitdir: String, to path: String, timeout: Double = 2) throws(Failure) {
        guard !gitdir.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { throw Failure(description: "a gitdir with control characters") }
        guard let address = UnixSocketAddress(path: path) else { throw Failure(description: "socket path too long: \(path)") }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(FileSystem.errorDescription())") }
        defer { close(fd) }
        var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        guard address.withSockaddr({ connect(fd, $0, $1) }) == 0 else {
            throw Failure(description: "cannot connect to \(path): \(FileSystem.errorDescription())")
        }
        let line = Array((gitdir + "\n").utf8)
        var offset = 0
        while offset < line.count {
            let written = line[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw Failure(description: "cannot write to \(path): \(FileSystem.errorDescription())") }
            offset += written
        }
    }
}
