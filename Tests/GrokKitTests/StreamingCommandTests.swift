import Foundation
import Glibc
import Testing
import TestSupport
@testable import GrokKit

@Suite struct StreamingCommandTests {
    let dir = TemporaryDirectory()

    struct ConsumerGone: Error {}

    /// The bytes `pid` has written so far (`wchar` of /proc/PID/io), nil
    /// once it is gone.
    static func bytesWritten(_ pid: pid_t) -> Int? {
        let io = (try? String(contentsOfFile: "/proc/\(pid)/io", encoding: .utf8)) ?? ""
        return io.split(separator: "\n").first { $0.hasPrefix("wchar:") }.flatMap { Int($0.dropFirst(6).trimmingCharacters(in: .whitespaces)) }
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

    /// 256 MiB through a consumer that pauses every 64 MiB: however long it
    /// pauses, the child gets no further ahead of it than the pipe (1 MiB)
    /// and a chunk, so memory stays constant; a runner that buffered would
    /// let it write everything at once. Measured on the child's own write
    /// count, not on this process's resident set, which the tests running
    /// alongside move.
    @Test func largeOutputStreamsInConstantMemory() async throws {
        let size = 256 << 20
        var total = 0, largest = 0, furthestAhead = 0, pauses = 0
        var child: pid_t?
        let script = "echo $$ > '\(dir.file("pid"))'; exec head -c \(size) /dev/zero"
        let exit = try await StreamingCommand.run("/bin/sh", ["-c", script], timeout: .seconds(300)) { chunk in
            total += chunk.count
            largest = max(largest, chunk.count)
            guard total / (64 << 20) > pauses, total < size else { return }
            pauses += 1
            if child == nil { child = try await pid(in: "pid") }
            try await Task.sleep(for: .milliseconds(200))
            furthestAhead = max(furthestAhead, (Self.bytesWritten(child!) ?? Int.max) - total)
        }
        #expect(exit.succeeded)
        #expect(total == size)
        #expect(pauses == 3)
        #expect(largest <= StreamingCommand.chunkSize)
        #expect(furthestAhead <= (1 << 20) + 2 * StreamingCommand.chunkSize, "the child ran \(furthestAhead) bytes ahead of the consumer")
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
