import Dispatch
import Glibc
import Logging

/// The `pull.socket` listener: a unix stream socket taking newline-terminated
/// gitdirs from push hooks. Everything here is event-driven on one serial
/// queue (no thread per client, no polling), and bounded: at most
/// `maxConnections` clients, lines of at most `maxLineLength` bytes, and a
/// client silent for `idleTimeout` is dropped. Nothing a client sends can do
/// more than be logged and ignored.
///
/// The socket is world-writable, as grokmirror makes it, so hooks running as
/// other users can notify; restrict access with the directory it lives in.
final class NotificationSocket: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let maxConnections = 64
    static let maxLineLength = 4096
    static let idleTimeout: DispatchTimeInterval = .seconds(30)

    let path: String
    private let logger: Logger
    private let onName: @Sendable (String) -> Void
    private let queue = DispatchQueue(label: "grok-pull.socket")
    private let listenFD: Int32
    private let identity: FileIdentity
    // Confined to `queue`.
    private var acceptSource: (any DispatchSourceRead)?
    private var clients: [Int32: Client] = [:]
    private var saidFull = false

    private final class Client {
        var assembler = LineAssembler(limit: NotificationSocket.maxLineLength)
        var reader: (any DispatchSourceRead)?
        var timer: (any DispatchSourceTimer)?
        var ignored = 0
    }

    /// Binds `path`. A stale socket left by a dead daemon is replaced; a
    /// socket another process still listens on, or any other file there,
    /// is an error.
    init(path: String, logger: Logger, onName: @escaping @Sendable (String) -> Void) throws(Failure) {
        self.path = path
        self.logger = logger
        self.onName = onName
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw Failure(description: "socket path too long (\(pathBytes.count) bytes): \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        var info = stat()
        if lstat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFSOCK else { throw Failure(description: "file exists but is not a socket: \(path)") }
            if Self.someoneListens(&address) { throw Failure(description: "another process is listening on \(path)") }
            unlink(path)
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "cannot create socket \(path): \(FileSystem.errorDescription())") }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0, let identity = FileIdentity(path: path) else {
            let reason = FileSystem.errorDescription()
            Glibc.close(fd)
            throw Failure(description: "cannot listen on \(path): \(reason)")
        }
        chmod(path, 0o777)
        listenFD = fd
        self.identity = identity
        queue.sync {
            let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
            source.setEventHandler { [weak self] in self?.acceptPending() }
            source.setCancelHandler { Glibc.close(fd) }
            source.resume()
            acceptSource = source
        }
    }

    private static func someoneListens(_ address: inout sockaddr_un) -> Bool {
        let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard probe >= 0 else { return false }
        defer { Glibc.close(probe) }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(probe, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        } == 0
    }

    /// Stops listening, drops every client and removes the socket file
    /// (unless another daemon has since replaced it).
    func close() {
        queue.sync {
            acceptSource?.cancel()
            acceptSource = nil
            for fd in Array(clients.keys) { drop(fd) }
        }
        if FileIdentity.sameFile(FileIdentity(path: path), identity) { unlink(path) }
    }

    private func acceptPending() {
        while true {
            let fd = accept(listenFD, nil, nil)
            guard fd >= 0 else { return }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            guard clients.count < Self.maxConnections else {
                Glibc.close(fd)
                if !saidFull { logger.warning(" listener: refusing connections while \(Self.maxConnections) are open") }
                saidFull = true
                continue
            }
            saidFull = false
            let client = Client()
            clients[fd] = client
            let reader = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
            reader.setEventHandler { [weak self] in self?.read(fd) }
            reader.setCancelHandler { Glibc.close(fd) }
            client.reader = reader
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.setEventHandler { [weak self] in self?.drop(fd) }
            timer.schedule(deadline: .now() + Self.idleTimeout)
            client.timer = timer
            reader.resume()
            timer.resume()
        }
    }

    private func read(_ fd: Int32) {
        guard let client = clients[fd] else { return }
        var buffer = [UInt8](repeating: 0, count: 16_384)
        // At most 256 KiB per wake-up: a client that never stops writing
        // cannot starve the others; dispatch calls again while data waits.
        for _ in 0..<16 {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                client.timer?.schedule(deadline: .now() + Self.idleTimeout)
                deliver(client.assembler.feed(buffer[..<count]), from: client)
            } else if count < 0 && (errno == EAGAIN || errno == EINTR) {
                return
            } else {
                deliver(client.assembler.finish(), from: client)
                drop(fd)
                return
            }
        }
    }

    private func deliver(_ pieces: [LineAssembler.Piece], from client: Client) {
        for piece in pieces {
            switch piece {
            case .overlong:
                ignore("a line longer than \(Self.maxLineLength) bytes", client: client)
            case .line(let bytes):
                guard let name = Self.gitdir(from: bytes) else {
                    ignore("an unreadable line of \(bytes.count) bytes", client: client)
                    continue
                }
                if !name.isEmpty { onName(name) }
            }
        }
    }

    /// The first junk line of a client is logged; the rest are counted.
    private func ignore(_ what: String, client: Client) {
        client.ignored += 1
        if client.ignored == 1 { logger.warning(" listener: ignored \(what)") }
    }

    /// The line stripped of surrounding whitespace, if it is UTF-8 text
    /// without control characters.
    static func gitdir(from bytes: [UInt8]) -> String? {
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        let name = text.trimmingWhitespace()
        guard !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return nil }
        return name
    }

    private func drop(_ fd: Int32) {
        guard let client = clients.removeValue(forKey: fd) else { return }
        if client.ignored > 1 { logger.warning(" listener: ignored \(client.ignored) lines from one client in all") }
        client.timer?.cancel()
        client.reader?.cancel()
    }

    deinit {
        acceptSource?.cancel()
    }
}
