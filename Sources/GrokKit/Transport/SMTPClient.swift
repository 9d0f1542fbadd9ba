import CCurl
import Glibc

/// Sends one message over SMTP through libcurl (no TLS negotiation is
/// forced; a local MTA is the expected relay, as with grokmirror's smtplib).
package struct SMTPClient: Sendable {
    package struct Failure: Error, CustomStringConvertible {
        package let server: String
        package let reason: String
        package var description: String { "cannot send mail through \(server): \(reason)" }
    }

    /// `host` or `host:port` (port 25 by default).
    package let server: String
    package var timeout = 60

    package init(server: String) { self.server = server }

    /// The smtp:// URL for `server`, with a bare IPv6 address bracketed.
    var url: String {
        let trimmed = server.trimmingWhitespace()
        if trimmed.filter({ $0 == ":" }).count > 1 && !trimmed.hasPrefix("[") { return "smtp://[\(trimmed)]:25" }
        return "smtp://" + (trimmed.contains(":") ? trimmed : trimmed + ":25")
    }

    /// `message` is the full RFC 5322 text with CRLF line ends. Throws
    /// when the server refuses it, does not answer within `timeout`
    /// seconds, or the calling task is cancelled (within about a second,
    /// reason "interrupted": a stop request does not wait for the timeout).
    package func send(from sender: String, to recipients: [String], message: [UInt8]) async throws(Failure) {
        if Task.isCancelled { throw Failure(server: server, reason: "interrupted") }
        let client = self
        try await CurlTransfer.run { transfer in client.sendBlocking(from: sender, to: recipients, message: message, transfer: transfer) }.get()
    }

    private final class Source {
        let bytes: [UInt8]
        var offset = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
    }

    private func sendBlocking(from sender: String, to recipients: [String], message: [UInt8], transfer: CurlTransfer) -> Result<Void, Failure> {
        guard !recipients.isEmpty else { return .failure(Failure(server: server, reason: "no recipients")) }
        let easy: CurlEasy
        switch CurlEasy.make() {
        case .success(let made): easy = made
        case .failure(let unavailable): return .failure(Failure(server: server, reason: unavailable.description))
        }
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for recipient in recipients { list = easy.library.slistAppend(list, "<\(recipient)>") }
        defer { easy.library.slistFreeAll(list) }
        let source = Source(message)
        let sourcePointer = Unmanaged.passUnretained(source).toOpaque()
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errorPointer in
            easy.set(CURLOPT_URL, url)
            easy.set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
            easy.set(CURLOPT_MAIL_FROM, "<\(sender)>")
            easy.set(CURLOPT_MAIL_RCPT, pointer: UnsafeMutableRawPointer(list))
            easy.set(CURLOPT_UPLOAD, 1)
            easy.set(CURLOPT_CONNECTTIMEOUT, 30)
            easy.set(CURLOPT_TIMEOUT, timeout)
            easy.set(CURLOPT_NOSIGNAL, 1)
            easy.set(CURLOPT_ERRORBUFFER, pointer: errorPointer.baseAddress)
            easy.set(CURLOPT_READDATA, pointer: sourcePointer)
            transfer.install(on: easy)
            easy.setReadFunction { buffer, size, count, user in
                let source = Unmanaged<Source>.fromOpaque(user!).takeUnretainedValue()
                let length = min(size * count, source.bytes.count - source.offset)
                guard length > 0 else { return 0 }
                source.bytes.withUnsafeBufferPointer { all in
                    buffer!.withMemoryRebound(to: UInt8.self, capacity: length) { target in
                        target.update(from: all.baseAddress! + source.offset, count: length)
                    }
                }
                source.offset += length
                return length
            }
            return easy.perform()
        }
        if let interruption = transfer.interruption(code) { return .failure(Failure(server: server, reason: interruption)) }
        guard code == CURLE_OK else {
            let detail = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            return .failure(Failure(server: server, reason: detail.isEmpty ? easy.library.describe(code) : detail))
        }
        return .success(())
    }
}
