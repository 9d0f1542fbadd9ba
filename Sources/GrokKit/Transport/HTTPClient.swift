import CCurl
import Glibc

/// An HTTP(S) GET through libcurl, with what a mirror needs when it polls
/// an origin: conditional requests, `~/.netrc` credentials, bounded
/// redirects (http and https only), a connect timeout and a stall timeout,
/// retries with back-off on connection errors, and a size limit.
package struct HTTPClient: Sendable {
    package struct Response: Sendable {
        package let status: Int
        package let body: [UInt8]
        /// `Last-Modified` as unix time, when the server sent one.
        package let lastModified: Int?
    }

    package struct Failure: Error, CustomStringConvertible {
        /// What went wrong, for callers and tests that act on the cause;
        /// `reason` says it in words (libcurl's, where it has them).
        package enum Kind: Sendable, Equatable {
            /// The calling task was cancelled (a stop request).
            case interrupted
            /// Nothing arrived for `stallTimeout` seconds, or the connect
            /// took longer than `connectTimeout`.
            case timedOut
            /// The host could not be resolved or connected to.
            case unreachable
            /// The connection broke or closed before the whole response.
            case connectionLost
            /// The body was larger than `sizeLimit`.
            case tooLarge
            /// A scheme other than http and https.
            case unsupportedScheme
            /// A download's status was not 200.
            case httpStatus(Int)
            /// A local problem: the download file, or libcurl itself.
            case local
            case other
        }

        package let url: String
        package let kind: Kind
        package let reason: String
        package var description: String { "\(url): \(reason)" }
    }

    package var userAgent = "grokmirror-swift/\(GrokVersion.version)"
    package var connectTimeout = 30
    /// Abort when no byte arrived for this long.
    package var stallTimeout = 300
    package var maximumRedirects = 5
    package var attempts = 3
    package var sizeLimit = 256 << 20

    package init() {}

    /// GET `url`; with `ifModifiedSince` (unix time) a 304 response comes
    /// back as such. Throws when every attempt failed, the body exceeded
    /// `sizeLimit`, or the calling task was cancelled (within about a
    /// second, reason "interrupted"), so a stop request never waits for the
    /// timeouts.
    package func get(_ url: String, ifModifiedSince: Int? = nil) async throws(Failure) -> Response {
        try await perform(url, ifModifiedSince: ifModifiedSince, into: nil).get()
    }

    /// GET `url` into the file at `path` (created or truncated), for bodies
    /// too large to hold in memory; anything but status 200 is a failure,
    /// and so is the calling task's cancellation, as for `get`.
    package func download(_ url: String, to path: String) async throws(Failure) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw Failure(url: url, kind: .local, reason: "cannot write \(path): \(FileSystem.errorDescription())") }
        defer { close(fd) }
        let response = try await perform(url, ifModifiedSince: nil, into: fd).get()
        guard response.status == 200 else { throw Failure(url: url, kind: .httpStatus(response.status), reason: "HTTP status \(response.status)") }
    }

    /// The attempts, with back-off between them; a cancelled task makes no
    /// further attempt and does not wait out the back-off.
    private func perform(_ url: String, ifModifiedSince: Int?, into fd: Int32?) async -> Result<Response, Failure> {
        let client = self
        var delay = 0.5
        for attempt in 1...max(1, attempts) {
            if Task.isCancelled { return .failure(Failure(url: url, kind: .interrupted, reason: "interrupted")) }
            if let fd {
                ftruncate(fd, 0)
                lseek(fd, 0, SEEK_SET)
            }
            let outcome = await CurlTransfer.run { transfer in client.once(url, ifModifiedSince: ifModifiedSince, into: fd, transfer: transfer) }
            switch outcome {
            case .success(let response): return .success(response)
            case .failure(let failure):
                guard failure.retryable, attempt < attempts else { return .failure(Failure(url: url, kind: failure.kind, reason: failure.reason)) }
                try? await Task.sleep(for: .seconds(delay))
                delay *= 2
            }
        }
        return .failure(Failure(url: url, kind: .other, reason: "no attempt was made"))
    }

    private struct AttemptFailure: Error {
        let kind: Failure.Kind
        let reason: String
        var retryable = false

        /// libcurl's result: its words, and whether another attempt may help.
        init(_ code: CURLcode, detail: String, library: CurlLibrary) {
            reason = detail.isEmpty ? library.describe(code) : detail
            switch code {
            case CURLE_OPERATION_TIMEDOUT: kind = .timedOut
            case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: kind = .unreachable
            case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE: kind = .connectionLost
            case CURLE_UNSUPPORTED_PROTOCOL: kind = .unsupportedScheme
            default: kind = .other
            }
            retryable = [.timedOut, .unreachable, .connectionLost].contains(kind)
        }

        init(kind: Failure.Kind, reason: String) {
            self.kind = kind
            self.reason = reason
        }
    }

    /// Collects the body, refusing to grow past the limit, or writes it to
    /// a file.
    private final class Sink {
        var body: [UInt8] = []
        let limit: Int
        let fd: Int32?
        var overflowed = false
        var writeFailed = false
        init(limit: Int, fd: Int32?) {
            self.limit = limit
            self.fd = fd
        }
    }

    private func once(_ url: String, ifModifiedSince: Int?, into fd: Int32?, transfer: CurlTransfer) -> Result<Response, AttemptFailure> {
        let easy: CurlEasy
        switch CurlEasy.make() {
        case .success(let made): easy = made
        case .failure(let unavailable): return .failure(AttemptFailure(kind: .local, reason: unavailable.description))
        }
        let sink = Sink(limit: sizeLimit, fd: fd)
        let sinkPointer = Unmanaged.passUnretained(sink).toOpaque()
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errorPointer in
            easy.set(CURLOPT_URL, url)
            easy.set(CURLOPT_USERAGENT, userAgent)
            easy.set(CURLOPT_PROTOCOLS_STR, "http,https")
            easy.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
            easy.set(CURLOPT_FOLLOWLOCATION, 1)
            easy.set(CURLOPT_MAXREDIRS, maximumRedirects)
            easy.set(CURLOPT_CONNECTTIMEOUT, connectTimeout)
            easy.set(CURLOPT_LOW_SPEED_LIMIT, 1)
            easy.set(CURLOPT_LOW_SPEED_TIME, stallTimeout)
            easy.set(CURLOPT_NOSIGNAL, 1)
            easy.set(CURLOPT_FILETIME, 1)
            easy.set(CURLOPT_NETRC, Int(CURL_NETRC_OPTIONAL.rawValue))
            easy.set(CURLOPT_ACCEPT_ENCODING, "")
            if let ifModifiedSince {
                easy.set(CURLOPT_TIMECONDITION, Int(CURL_TIMECOND_IFMODSINCE.rawValue))
                easy.set(CURLOPT_TIMEVALUE, ifModifiedSince)
            }
            easy.set(CURLOPT_ERRORBUFFER, pointer: errorPointer.baseAddress)
            easy.set(CURLOPT_WRITEDATA, pointer: sinkPointer)
            transfer.install(on: easy)
            easy.setWriteFunction { data, size, count, user in
                let sink = Unmanaged<Sink>.fromOpaque(user!).takeUnretainedValue()
                let length = size * count
                if let fd = sink.fd {
                    let written = data!.withMemoryRebound(to: UInt8.self, capacity: length) { FileSystem.writeAll(fd, Array(UnsafeBufferPointer(start: $0, count: length))) }
                    if !written { sink.writeFailed = true }
                    return written ? length : 0
                }
                if sink.body.count + length > sink.limit { sink.overflowed = true; return 0 }
                data!.withMemoryRebound(to: UInt8.self, capacity: length) { sink.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length)) }
                return length
            }
            return easy.perform()
        }
        if sink.writeFailed { return .failure(AttemptFailure(kind: .local, reason: "cannot write the download: \(FileSystem.errorDescription())")) }
        if sink.overflowed { return .failure(AttemptFailure(kind: .tooLarge, reason: "response larger than \(sizeLimit) bytes")) }
        if let interruption = transfer.interruption(code) { return .failure(AttemptFailure(kind: .interrupted, reason: interruption)) }
        guard code == CURLE_OK else {
            return .failure(AttemptFailure(code, detail: errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }, library: easy.library))
        }
        let status = easy.info(CURLINFO_RESPONSE_CODE)
        let fileTime = easy.info(CURLINFO_FILETIME)
        return .success(Response(status: status, body: sink.body, lastModified: fileTime >= 0 ? fileTime : nil))
    }
}
