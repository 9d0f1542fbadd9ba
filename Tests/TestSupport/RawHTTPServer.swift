import Foundation

/// A deliberately broken HTTP server on 127.0.0.1: it answers every
/// connection with `response` verbatim and then, depending on
/// `closeAfterwards`, hangs up or keeps the connection open silently.
package final class RawHTTPServer: @unchecked Sendable {
    package let port: Int
    private let listener: Int32
    private let thread: Thread

    package init(response: [UInt8], closeAfterwards: Bool = true) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        listen(fd, 16)
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        thread = Thread {
            var held: [Int32] = []
            while true {
                let client = accept(fd, nil, nil)
                if client < 0 { break }
                var buffer = [UInt8](repeating: 0, count: 65536)
                _ = read(client, &buffer, buffer.count)
                _ = response.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
                if closeAfterwards { close(client) } else { held.append(client) }
            }
            for client in held { close(client) }
        }
        thread.start()
    }

    package var url: String { "http://127.0.0.1:\(port)/manifest.js.gz" }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }
}
