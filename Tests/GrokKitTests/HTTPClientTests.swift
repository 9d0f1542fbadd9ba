import Testing
import TestSupport
@testable import GrokKit

@Suite struct HTTPClientTests {
    /// libcurl is loaded on the first transfer: one that is missing is a
    /// one-line reason naming it, not a crash at startup.
    @Test func aMissingLibcurlIsAReasonNamingIt() {
        guard case .failure(let unavailable) = CurlLibrary.load("libcurl-missing.so.9") else {
            Issue.record("a missing library must not load")
            return
        }
        #expect(unavailable.description.hasPrefix("cannot load libcurl: ") && unavailable.description.contains("libcurl-missing.so.9"))
        #expect(!unavailable.description.contains("\n"))
    }

    /// The real one loads, with every function the transfers call.
    @Test func theInstalledLibcurlLoads() throws {
        _ = try CurlLibrary.load(CurlLibrary.soname).get()
    }

    @Test func stalledServerTimesOut() async throws {
        let server = try RawHTTPServer(response: Array("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nabc".utf8), closeAfterwards: false)
        var client = HTTPClient()
        client.stallTimeout = 1
        client.attempts = 1
        let started = ContinuousClock.now
        await #expect { try await client.get(server.url) } throws: { ($0 as? HTTPClient.Failure)?.kind == .timedOut }
        // The server never finishes: only the stall timeout can end this.
        #expect(ContinuousClock.now - started < .seconds(120))
    }

    /// Cancelling the task (a stop request) ends a transfer from a server
    /// that never answers, instead of the stall timeout of each attempt.
    @Test func cancellationStopsATransferFromASilentServer() async throws {
        let server = try RawHTTPServer(response: [], closeAfterwards: false)
        let started = ContinuousClock.now
        let fetch = Task { try await HTTPClient().get(server.url) }
        try await Task.sleep(for: .milliseconds(300))
        fetch.cancel()
        do {
            _ = try await fetch.value
            Issue.record("a cancelled transfer must not succeed")
        } catch {
            #expect((error as? HTTPClient.Failure)?.kind == .interrupted && (error as? HTTPClient.Failure)?.reason == "interrupted", "\(error)")
        }
        // Seconds here; the behaviour this replaced took 300 s or more. The
        // bound is wide because on a 2-core CI machine other tests' blocking
        // work can starve the task pool this test resumes on for a minute.
        #expect(ContinuousClock.now - started < .seconds(240))
    }

    @Test func truncatedBodyIsAnError() async throws {
        let server = try RawHTTPServer(response: Array("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n{\"partial".utf8))
        var client = HTTPClient()
        client.attempts = 2
        await #expect { try await client.get(server.url) } throws: { ($0 as? HTTPClient.Failure)?.kind == .connectionLost }
    }

    @Test func oversizedBodyIsRefused() async throws {
        let body = String(repeating: "x", count: 200_000)
        let server = try RawHTTPServer(response: Array("HTTP/1.1 200 OK\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8))
        var client = HTTPClient()
        client.sizeLimit = 100_000
        do {
            _ = try await client.get(server.url)
            Issue.record("expected a size failure")
        } catch {
            #expect(error.kind == .tooLarge && error.description.contains("larger than"))
        }
    }

    @Test func connectionRefusedIsRetriedThenReported() async throws {
        let port = try OriginServer.freePort()
        var client = HTTPClient()
        client.attempts = 3
        let started = ContinuousClock.now
        await #expect { try await client.get("http://127.0.0.1:\(port)/x") } throws: { ($0 as? HTTPClient.Failure)?.kind == .unreachable }
        // Back-off of 0.5 s then 1 s between the three tries.
        #expect(ContinuousClock.now - started >= .milliseconds(1400))
    }

    @Test func otherSchemesAreRefused() async {
        await #expect { try await HTTPClient().get("file:///etc/passwd") } throws: { ($0 as? HTTPClient.Failure)?.kind == .unsupportedScheme }
    }
}
