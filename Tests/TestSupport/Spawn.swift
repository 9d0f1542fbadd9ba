import Foundation

/// Runs a program and waits for it with posix_spawn and waitpid on its own
/// pid. Foundation's Process sometimes never notices that a child exited
/// (seen with children that leave background servers behind), which hangs
/// a test run; this cannot. Output goes to files, so no pipe can fill up.
/// The child leads its own process group, so a timeout kills it with
/// everything it started.
package enum Spawn {
    /// A started child: its pid and where its output goes.
    package struct Child: Sendable {
        package let pid: pid_t
        let scratch: String
    }

    static func run(_ argv: [String], environment: [String: String] = [:], timeout: Double) throws -> ProcessOutcome {
        try wait(start(argv, environment: environment), timeout: timeout)
    }

    package static func start(_ argv: [String], environment: [String: String] = [:]) throws -> Child {
        let scratch = NSTemporaryDirectory() + "grokkit-spawn-" + UUID().uuidString
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, scratch + ".out", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, scratch + ".err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGINT, SIGTERM, SIGPIPE, SIGCHLD] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, cEnvironment)
        guard spawned == 0 else { throw SpawnFailure(program: argv[0], code: spawned) }
        return Child(pid: pid, scratch: scratch)
    }

    /// Whether the child has exited (reaping it if so).
    package static func hasExited(_ child: Child, status: inout Int32) -> Bool {
        waitpid(child.pid, &status, WNOHANG) == child.pid
    }

    /// Waits for the child, killing its process group at the timeout.
    package static func wait(_ child: Child, timeout: Double, alreadyReaped: Int32? = nil) -> ProcessOutcome {
        let pid = child.pid
        let scratch = child.scratch
        defer {
            unlink(scratch + ".out")
            unlink(scratch + ".err")
        }
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = alreadyReaped ?? 0
        while alreadyReaped == nil {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if reaped < 0 && errno != EINTR { break }
            if Date() > deadline {
                kill(-pid, SIGKILL)
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                break
            }
            usleep(5_000)
        }
        let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let out = FileManager.default.contents(atPath: scratch + ".out") ?? Data()
        let err = FileManager.default.contents(atPath: scratch + ".err") ?? Data()
        return ProcessOutcome(status: code, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }

    struct SpawnFailure: Error, CustomStringConvertible {
        let program: String
        let code: Int32
        var description: String { "cannot start \(program): \(String(cString: strerror(code)))" }
    }
}
