import Dispatch
import Glibc
import Logging

/// The `pull.socket` listener: a unix stream socket taking newline-terminated
/// gitdirs from push hooks. Everything here is event-driven on one serial
/// queue (no thread per client, no polling), and bounded: at most
/// `maxConnections` clients, lines of at most `maxLineLength` bytes, and each
/// client closed `connectionLifetime` seconds after accept however it
/// trickles. Nothing a client sends can do more than be logged and ignored.
///
/// No client is accepted and then silently dropped. When every slot is
/// taken and another client waits, the clients are read first (short-lived
/// notifiers have sent their line and leave); failing that, the oldest
/// client past `evictionGrace` is closed with an error line
/// (`ConnectionEviction`); failing that, accepting pauses and the waiting
/// clients stay in the kernel's backlog, their lines queued, until a slot
/// frees or a grace ends. A burst of well-behaved notifiers is served in
/// full, and clients holding slots without finishing a line cannot keep a
/// real notification out for more than about `evictionGrace` seconds.
///
/// The socket is world-writable, as grokmirror makes it, so hooks running as
/// other users can notify; restrict access with the directory it lives in.
final class NotificationSocket: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let maxConnections = 64
    static let maxLineLength = 4096
    /// Seconds a client may stay connected, counted from accept and never
    /// extended: a line must arrive whole within it.
    static let connectionLifetime = 10.0
    /// Seconds a new client is safe from eviction (see `ConnectionEviction`).
    static let evictionGrace = 1.0
    /// Minimum seconds between two log lines about closed clients.
    static let noticeInterval = 60.0

    let path: String
    private let logger: Logger
    private let onName: @Sendable (String) -> Void
    private let queue = DispatchQueue(label: "grok-pull.socket")
    private let listenFD: Int32
    private let identity: FileIdentity
    // Confined to `queue`.
    private var acceptSource: (any DispatchSourceRead)?
    private var acceptPaused = false
    private var resumeTimer: (any DispatchSourceTimer)?
    private var clients: [Int32: NotificationConnection] = [:]
    private var evictions = ThrottledNotice(interval: NotificationSocket.noticeInterval)
    private var expiries = ThrottledNotice(interval: NotificationSocket.noticeInterval)

    /// Binds `path` (see `UnixStreamListener.bind` for what is an error) and
    /// starts accepting; `onName` gets each clean gitdir line, on the
    /// listener's queue.
    init(path: String, logger: Logger, onName: @escaping @Sendable (String) -> Void) throws(Failure) {
        self.path = path
        self.logger = logger
        self.onName = onName
        (listenFD, identity) = try UnixStreamListener.bind(path: path)
        let fd = listenFD
        queue.sync {
            let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
            source.setEventHandler { [weak self] in self?.acceptPending() }
            source.setCancelHandler { Glibc.close(fd) }
            source.resume()
            acceptSource = source
        }
    }

    /// Stops listening, drops every client and removes the socket file
    /// (unless another daemon has since replaced it).
    func close() {
        queue.sync {
            resumeAccepting()
            acceptSource?.cancel()
            acceptSource = nil
            for fd in Array(clients.keys) { drop(fd) }
        }
        if FileIdentity.sameFile(FileIdentity(path: path), identity) { unlink(path) }
    }

    // MARK: Admission

    private func acceptPending() {
        while true {
            if clients.count >= Self.maxConnections {
                guard UnixStreamListener.connectionWaiting(listenFD) else { return }
                guard makeRoom() else { return pauseAccepting() }
            }
            guard let fd = UnixStreamListener.accept(listenFD) else { return }
            admit(fd)
        }
    }

    /// Frees a slot for a waiting client, or returns false when none can be
    /// freed yet: reads every client (those done leave), then evicts per
    /// `ConnectionEviction`.
    private func makeRoom() -> Bool {
        for fd in Array(clients.keys) { read(fd) }
        if clients.count < Self.maxConnections { return true }
        let now = MonotonicTime.seconds()
        guard let victim = ConnectionEviction.victim(among: clients.values.map(\.evictionCandidate), now: now, grace: Self.evictionGrace),
              let client = clients[victim] else { return false }
        client.say("closed to make room for other clients")
        if let count = evictions.record(now: now) {
            logger.warning(" listener: all \(Self.maxConnections) connections busy: closed \(count) client(s) to make room, oldest without a complete line first")
        }
        drop(victim)
        return true
    }

    /// Leaves waiting clients in the backlog until a slot frees (`drop`) or
    /// the first grace ends. A suspended source does not fire, so this is
    /// no busy loop.
    private func pauseAccepting() {
        guard let source = acceptSource, !acceptPaused else { return }
        source.suspend()
        acceptPaused = true
        let candidates = clients.values.map(\.evictionCandidate)
        let wake = ConnectionEviction.nextEligible(among: candidates, grace: Self.evictionGrace) ?? MonotonicTime.seconds()
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.setEventHandler { [weak self] in self?.resumeAccepting() }
        timer.schedule(deadline: .now() + max(0.01, wake - MonotonicTime.seconds()))
        timer.resume()
        resumeTimer = timer
    }

    private func resumeAccepting() {
        resumeTimer?.cancel()
        resumeTimer = nil
        guard acceptPaused else { return }
        acceptPaused = false
        acceptSource?.resume()
    }

    private func admit(_ fd: Int32) {
        let client = NotificationConnection(fd: fd, acceptedAt: MonotonicTime.seconds(), lineLimit: Self.maxLineLength)
        clients[fd] = client
        let reader = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        reader.setEventHandler { [weak self] in self?.read(fd) }
        reader.setCancelHandler { Glibc.close(fd) }
        client.reader = reader
        let deadline = DispatchSource.makeTimerSource(queue: queue)
        deadline.setEventHandler { [weak self] in self?.expire(fd) }
        deadline.schedule(deadline: .now() + Self.connectionLifetime)
        client.deadline = deadline
        reader.resume()
        deadline.resume()
    }

    /// The lifetime is over: what arrived whole counts, an unfinished line
    /// does not, and the client is told so.
    private func expire(_ fd: Int32) {
        read(fd)
        guard let client = clients[fd] else { return }
        if client.assembler.isMidLine {
            client.say("no complete line within \(Int(Self.connectionLifetime)) s")
            if let count = expiries.record(now: MonotonicTime.seconds()) {
                logger.warning(" listener: closed \(count) client(s) that sent no complete line within \(Int(Self.connectionLifetime)) s")
            }
        }
        drop(fd)
    }

    private func drop(_ fd: Int32) {
        guard let client = clients.removeValue(forKey: fd) else { return }
        if client.ignored > 1 { logger.warning(" listener: ignored \(client.ignored) lines from one client in all") }
        client.cancel()
        resumeAccepting()
    }

    // MARK: Reading

    private func read(_ fd: Int32) {
        guard let client = clients[fd] else { return }
        var buffer = [UInt8](repeating: 0, count: 16_384)
        // At most 256 KiB per wake-up: a client that never stops writing
        // cannot starve the others; dispatch calls again while data waits.
        for _ in 0..<16 {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
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

    private func deliver(_ pieces: [LineAssembler.Piece], from client: NotificationConnection) {
        for piece in pieces {
            switch piece {
            case .overlong:
                ignore("a line longer than \(Self.maxLineLength) bytes", client: client)
            case .line(let bytes):
                client.lines += 1
                guard let name = Self.gitdir(from: bytes) else {
                    ignore("an unreadable line of \(bytes.count) bytes", client: client)
                    continue
                }
                if !name.isEmpty { onName(name) }
            }
        }
    }

    /// The first junk line of a client is logged; the rest are counted.
    private func ignore(_ what: String, client: NotificationConnection) {
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

    deinit {
        // A suspended source must be resumed before it goes, or dispatch traps.
        resumeTimer?.cancel()
        if acceptPaused { acceptSource?.resume() }
        acceptSource?.cancel()
    }
}
