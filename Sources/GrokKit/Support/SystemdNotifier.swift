import Glibc

/// systemd's readiness and watchdog protocol (`sd_notify`), spoken directly:
/// one datagram per state to `$NOTIFY_SOCKET`. Outside systemd, or under
/// `Type=simple`, there is no socket and every call does nothing.
package struct SystemdNotifier: Sendable {
    private let socketPath: String?
    /// How often the service must ping: half of `WatchdogSec=`.
    package let watchdogInterval: Duration?

    package init(environment: [String: String] = SystemdNotifier.processEnvironment()) {
        let path = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        socketPath = path
        let forUs = environment["WATCHDOG_PID"].map { Int32($0) == getpid() } ?? true
        if path != nil, forUs, let micros = environment["WATCHDOG_USEC"].flatMap(UInt64.init), micros > 0 {
            watchdogInterval = .microseconds(micros / 2)
        } else {
            watchdogInterval = nil
        }
    }

    package static func processEnvironment() -> [String: String] {
        var found: [String: String] = [:]
        for name in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"] {
            if let value = getenv(name) { found[name] = String(cString: value) }
        }
        return found
    }

    /// Sends `READY=1`, `WATCHDOG=1`, `STOPPING=1`, `STATUS=...`.
    package func notify(_ state: String) {
        guard let socketPath, let address = UnixSocketAddress(path: socketPath, abstractAt: true) else { return }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let message = Array(state.utf8)
        _ = address.withSockaddr { target, length in
            message.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), target, length) }
        }
    }
}
