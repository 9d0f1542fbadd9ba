import Foundation
import Glibc
import Testing
import TestSupport
@testable import GrokKit

@Suite struct StreamingCommandTests {
    let dir = TemporaryDirectory()

    struct ConsumerGone: Error {}

    /// This process's resident set, in bytes.
    static func residentBytes() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }

    /// Whether `pid` is a live process (a zombie left for init counts as gone).
    static func alive(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return !(stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") ?? true)
    }

    func pid(in name: String) async throws -> pid_t {
        let path = dir.file(name)
        for _ in 0..<500 {
            if let text = try? String(contentsOfFile: path, encoding: .utf8), let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return pid
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ShellError(script: "pid file \(name)", status: -1, stderr: "never written")
    }

    /// 256 MiB through the consumer while the resident set grows by far
    /// less: a buffering runner would grow by all of it.
    @Test func largeOutputStreamsInConstantMemory() async throws {
        let size = 256 << 20
        let before = Self.residentBytes()
        var total = 0, largest = 0, peak = before, chunks = 0
        let exit = try await StreamingCommand.run("/usr/bin/head", ["-c", "\(size)", "/dev/zero"], timeout: .seconds(300)) { chunk in
            total += chunk.count
            largest = max(largest, chunk.count)
            chunks += 1
            if chunks % 32 == 0 { peak = max(peak, Self.residentBytes()) }
        }
        #expect(exit.succeeded)
        #expect(total == size)
        #expect(largest <= StreamingCommand.chunkSize)
        #expect(peak - before < 96 << 20, "resident set grew by \(peak - before) bytes")
    }

    /// A child that fills stderr is not stuck on it; what it printed is kept
    /// up to the limit, and its exit code is the result.
    @Test func stderrIsDrainedAndBounded() async throws {
        var out: [UInt8] = []
        let exit = try await StreamingCommand.run("/bin/sh", ["-c", "head -c 1000000 /dev/zero >&2; echo out; exit 3"], timeout: .seconds(120),
                                                  stderrLimit: 1000) { out += $0 }
        #expect(exit.exitCode == 3)
        #expect(String(decoding: out, as: UTF8.self) == "out\n")
        #expect(exit.stderr.count == 1000)
    }

    /// A consumer that stops (a client went away) stops the child and
    /// everything it started within about a second; the child is reaped.
    @Test func consumerErrorKillsTheProcessGroup() async throws {
        let script = "sleep 300 & echo $! > '\(dir.file("grandchild"))'; echo $$ > '\(dir.file("child"))'; exec yes"
        var stopped = ContinuousClock.now
        await #expect(throws: ConsumerGone.self) {
            _ = try await StreamingCommand.run("/bin/sh", ["-c", script], timeout: .seconds(300)) { _ in
                if FileManager.default.fileExists(atPath: dir.file("child")) {
                    stopped = ContinuousClock.now
                    throw ConsumerGone()
                }
            }
        }
        let elapsed = ContinuousClock.now - stopped
        #expect(elapsed < .seconds(3), "took \(elapsed)")
        let child = try await pid(in: "child"), grandchild = try await pid(in: "grandchild")
        #expect(!Self.alive(child))
        #expect(waitUntil(timeout: 5) { !Self.alive(grandchild) })
    }

    /// Cancelling the task stops a child that ignores SIGTERM (SIGKILL after
    /// the grace period) and reports `.cancelled`.
    @Test func cancellationKillsAChildIgnoringSigterm() async throws {
        let script = "trap '' TERM; echo $$ > '\(dir.file("child"))'; while :; do echo x; sleep 0.05; done"
        let run = Task {
            try await StreamingCommand.run("/bin/sh", ["-c", script], timeout: .seconds(300), grace: .milliseconds(300)) { _ in }
        }
        let child = try await pid(in: "child")
        let cancelled = ContinuousClock.now
        run.cancel()
        do {
            _ = try await run.value
            Issue.record("a cancelled run must not succeed")
        } catch {
            guard case .cancelled = error as? CommandError else { throw error }
        }
        #expect(ContinuousClock.now - cancelled < .seconds(5))
        #expect(!Self.alive(child))
    }

    @Test func silentChildIsKilledAtTheTimeout() async throws {
        let started = ContinuousClock.now
        await #expect {
            _ = try await StreamingCommand.run("/bin/sleep", ["300"], timeout: .milliseconds(300)) { _ in }
        } throws: { error in
            guard case .timedOut = error as? CommandError else { return false }
            return true
        }
        #expect(ContinuousClock.now - started < .seconds(60))
    }

    @Test func missingExecutableIsALaunchFailure() async throws {
        await #expect {
            _ = try await StreamingCommand.run(dir.file("absent"), [], timeout: .seconds(5)) { _ in }
        } throws: { error in
            guard case .launchFailed = error as? CommandError else { return false }
            return true
        }
    }
}
