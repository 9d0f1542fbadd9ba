import Dispatch
import Glibc

/// One accepted client of the notification socket: its partial line, its
/// read source and its deadline timer. Confined to the listener's queue.
final class NotificationConnection {
    let fd: Int32
    /// Monotonic seconds at accept; the deadline and eviction count from it.
    let acceptedAt: Double
    var assembler: LineAssembler
    var reader: (any DispatchSourceRead)?
    var deadline: (any DispatchSourceTimer)?
    /// Complete lines received, junk included, overlong ones not.
    var lines = 0
    /// Junk lines received; the first is logged, the rest counted.
    var ignored = 0

    init(fd: Int32, acceptedAt: Double, lineLimit: Int) {
        self.fd = fd
        self.acceptedAt = acceptedAt
        assembler = LineAssembler(limit: lineLimit)
    }

    var evictionCandidate: ConnectionEviction.Candidate {
        ConnectionEviction.Candidate(fd: fd, acceptedAt: acceptedAt, completedLine: lines > 0)
    }

    /// Tells the client why it is being closed, if it reads; never blocks
    /// and never raises SIGPIPE.
    func say(_ message: String) {
        let bytes = Array("error: \(message)\n".utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
    }

    /// Stops reading and timing; the read source's cancel handler closes the fd.
    func cancel() {
        deadline?.cancel()
        reader?.cancel()
    }
}
