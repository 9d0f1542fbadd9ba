import Foundation
import Glibc
import GrokKit

/// A client of grok-pull's notification socket: connects, writes bytes,
/// and closes when released.
package final class UnixSocketClient {
    package let fd: Int32

    package init(path: String) throws {
        guard let address = UnixSocketAddress(path: path) else { throw ShellError(script: "connect \(path)", status: -1, stderr: "path too long") }
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        let connected = address.withSockaddr { connect(fd, $0, $1) }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw ShellError(script: "connect \(path)", status: -1, stderr: reason)
        }
    }

    /// Writes everything; false if the daemon closed the connection.
    @discardableResult
    package func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }

    @discardableResult
    package func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// What the daemon has written to this client so far, without waiting
    /// (empty when nothing is there).
    package func receiveAvailable() -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            guard count > 0 else { break }
            bytes += buffer[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    deinit { close(fd) }

    /// One connection, one line per gitdir.
    package static func notify(_ path: String, _ gitdirs: [String]) throws {
        try UnixSocketClient(path: path).send(gitdirs.map { $0 + "\n" }.joined())
    }
}

/// Polls `condition` every 50 ms until it holds or `timeout` seconds pass.
package func waitUntil(timeout: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        usleep(50_000)
    }
    return try condition()
}
