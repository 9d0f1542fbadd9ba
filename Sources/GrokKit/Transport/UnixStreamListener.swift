import Glibc

/// Binding the notification socket: a non-blocking unix stream socket
/// listening at a path, world-writable as grokmirror makes it.
enum UnixStreamListener {
    /// Pending connections the kernel holds for us (capped by
    /// `net.core.somaxconn`). Clients waiting there have connected and their
    /// lines are queued, so a burst larger than the connection slots waits
    /// to be read instead of being refused.
    static let backlog: Int32 = 4096

    /// Binds and listens on `path`; returns the listening fd and the socket
    /// file's identity. A stale socket left by a dead daemon is replaced; a
    /// socket another process still listens on, or any other file there, is
    /// an error, as is a path longer than `sun_path`.
    static func bind(path: String) throws(NotificationSocket.Failure) -> (fd: Int32, identity: FileIdentity) {
        guard let address = UnixSocketAddress(path: path) else {
            throw .init(description: "socket path too long (\(path.utf8.count) bytes): \(path)")
        }
        var info = stat()
        if lstat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFSOCK else { throw .init(description: "file exists but is not a socket: \(path)") }
            if someoneListens(address) { throw .init(description: "another process is listening on \(path)") }
            unlink(path)
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw .init(description: "cannot create socket \(path): \(FileSystem.errorDescription())") }
        let bound = address.withSockaddr { Glibc.bind(fd, $0, $1) }
        guard bound == 0, listen(fd, backlog) == 0, let identity = FileIdentity(path: path) else {
            let reason = FileSystem.errorDescription()
            Glibc.close(fd)
            throw .init(description: "cannot listen on \(path): \(reason)")
        }
        chmod(path, 0o777)
        return (fd, identity)
    }

    private static func someoneListens(_ address: UnixSocketAddress) -> Bool {
        let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard probe >= 0 else { return false }
        defer { Glibc.close(probe) }
        return address.withSockaddr { connect(probe, $0, $1) } == 0
    }

    /// The next waiting client, non-blocking and close-on-exec; nil when
    /// none waits.
    static func accept(_ listenFD: Int32) -> Int32? {
        let fd = Glibc.accept(listenFD, nil, nil)
        guard fd >= 0 else { return nil }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        return fd
    }

    /// Whether a connection waits to be accepted on `fd`, without blocking.
    static func connectionWaiting(_ fd: Int32) -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) == 1 && entry.revents & Int16(POLLIN) != 0
    }
}
