import Glibc

/// A unix socket's address as `bind`, `connect` and `sendto` take it: a
/// `sockaddr_un` and the length of what in it is used.
package struct UnixSocketAddress {
    private var address = sockaddr_un()
    /// The family, the path and its NUL terminator; an abstract name has
    /// no terminator (all its bytes are the name).
    package let length: socklen_t

    /// nil when the path and its NUL do not fit `sun_path` (108 bytes).
    /// With `abstractAt`, a leading `@` names Linux's abstract namespace
    /// (a leading NUL instead), as systemd's `$NOTIFY_SOCKET` does.
    package init?(path: String, abstractAt: Bool = false) {
        var bytes = Array(path.utf8)
        let abstract = abstractAt && bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return nil }
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 0 : 1))
    }

    /// Calls `body` with the address as a `sockaddr` and its length.
    package func withSockaddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        withUnsafePointer(to: address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }
}
