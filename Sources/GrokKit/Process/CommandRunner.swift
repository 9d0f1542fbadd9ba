import CProcessShims
import Dispatch
import Glibc
import Synchronization

/// What a finished command left behind. A non-zero exit is a result, not an
/// error: callers decide what each exit code means.
package struct CommandResult: Sendable {
    package let exitCode: Int32
    package let stdout: [UInt8]
    package let stderr: [UInt8]

    package var succeeded: Bool { exitCode == 0 }
    /// stdout decoded and stripped, as grokmirror reads it.
    package var output: String { String(decoding: stdout, as: UTF8.self).trimmingWhitespace() }
    package var errorOutput: String { String(decoding: stderr, as: UTF8.self).trimmingWhitespace() }
}

package typealias GitResult = CommandResult

/// Runs an executable with arguments (never through a shell): posix_spawn,
/// then one poll loop that feeds stdin and drains stdout and stderr
/// together (so no pipe can fill up and deadlock the child) until both
/// close, killing the child at the timeout or the output limit.
///
/// Each run blocks one dispatch thread; callers bound how many run at once.
/// This replaced swift-subprocess, whose per-spawn thread hand-offs were a
/// measurable share of grok-fsck and grok-pull runs of many small repos.
package enum CommandRunner {
    /// `name` found in PATH, or nil.
    package static func lookUp(_ name: String) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { String($0) + "/" + name }.first { access($0, X_OK) == 0 }
    }

    /// Runs `executable` until it exits, `timeout` passes or it prints more
    /// than `outputLimit` bytes on stdout or stderr (then its process group
    /// is killed and that is the error). Cancelling the calling task stops
    /// the child within `CancellableChild`'s grace period (SIGTERM, then
    /// SIGKILL) and throws `.cancelled`; a cancelled task starts nothing.
    /// `environment` adds variables to (or replaces them in) the tool's
    /// own environment for this child only; secrets passed this way stay
    /// out of the process list, which any local user can read.
    package static func run(_ executable: String, _ arguments: [String], input: [UInt8]? = nil, timeout: Duration, outputLimit: Int = 1 << 30, label: String? = nil,
                            environment: [String: String] = [:]) async throws(CommandError) -> CommandResult {
        let command = label ?? ([PathUtilities.basename(executable)] + arguments.prefix(2)).joined(separator: " ")
        if Task.isCancelled { throw .cancelled(command: command) }
        let child = CancellableChild()
        let outcome: Result<CommandResult, CommandError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    continuation.resume(returning: runBlocking(executable, arguments, input: input, timeout: timeout.inSeconds, outputLimit: outputLimit,
                                                               command: command, child: child, environment: environment))
                }
            }
        } onCancel: {
            child.cancel()
        }
        return try outcome.get()
    }

    /// Writing to a pipe whose reader exited must be an error, not a signal
    /// that kills the tool. Children run in their own process groups (see
    /// `runBlocking`), where reading the terminal would stop them, so git is
    /// told not to prompt (unless the caller's environment says otherwise):
    /// it fails at once instead of hanging until the timeout.
    static let processSetup: Void = {
        signal(SIGPIPE, SIG_IGN)
        setenv("GIT_TERMINAL_PROMPT", "0", 0)
    }()

    static func runBlocking(_ executable: String, _ arguments: [String], input: [UInt8]?, timeout: Double, outputLimit: Int, command: String,
                            child: CancellableChild, environment: [String: String] = [:]) -> Result<CommandResult, CommandError> {
        _ = processSetup
        var outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1], inPipe: [Int32] = [-1, -1]
        guard grok_pipe_cloexec(&outPipe) == 0 else { return .failure(.launchFailed(command: command, reason: FileSystem.errorDescription())) }
        guard grok_pipe_cloexec(&errPipe) == 0 else {
            closeAll(outPipe)
            return .failure(.launchFailed(command: command, reason: FileSystem.errorDescription()))
        }
        if input != nil {
            guard grok_pipe_cloexec(&inPipe) == 0 else {
                closeAll(outPipe + errPipe)
                return .failure(.launchFailed(command: command, reason: FileSystem.errorDescription()))
            }
        } else {
            inPipe[0] = open("/dev/null", O_RDONLY | O_CLOEXEC)
        }

        var pid: pid_t = 0
        let spawned = spawn(executable, arguments, environment: environment, stdin: inPipe[0], stdout: outPipe[1], stderr: errPipe[1], pid: &pid)
        closeAll([inPipe[0], outPipe[1], errPipe[1]])
        guard spawned == 0 else {
            closeAll([inPipe[1], outPipe[0], errPipe[0]])
            return .failure(.launchFailed(command: command, reason: String(cString: strerror(spawned))))
        }

        child.started(pid)
        var drain = Drain(stdout: outPipe[0], stderr: errPipe[0], stdin: inPipe[1], input: input ?? [], limit: outputLimit)
        let ending = drain.run(until: MonotonicTime.seconds() + timeout, child: child)
        drain.closeRemaining()
        if ending != .finished { kill(-pid, SIGKILL) }
        let status = reap(pid, child: child)
        if child.isCancelled { return .failure(.cancelled(command: command)) }
        switch ending {
        case .timedOut: return .failure(.timedOut(command: command, seconds: Int(timeout.rounded())))
        case .overflowed: return .failure(.outputTooLarge(command: command))
        case .finished: break
        }
        let signal = status & 0x7F
        if signal != 0 { return .failure(.killedBySignal(command: command, signal: signal)) }
        return .success(CommandResult(exitCode: (status >> 8) & 0xFF, stdout: drain.stdoutBytes, stderr: drain.stderrBytes))
    }

    /// posix_spawn with the child's stdio on the given descriptors, in a
    /// process group of its own, with default signal handling; 0 or an errno.
    /// `StreamingCommand` spawns through this too.
    static func spawn(_ executable: String, _ arguments: [String], environment: [String: String], stdin: Int32, stdout: Int32, stderr: Int32,
                              pid: inout pid_t) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t(), defaultSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&defaultSignals)
        sigdelset(&defaultSignals, SIGKILL)
        sigdelset(&defaultSignals, SIGSTOP)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        // Its own process group, so stopping it (timeout, cancellation) also
        // stops what it started, such as git's remote helpers, which would
        // otherwise keep the output pipes open and the run waiting.
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        // The child takes this thread's nice value, which libdispatch sets
        // apart from the process's; an admin's `nice` or Nice= must reach git.
        grok_thread_take_process_nice()

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var envp: [UnsafeMutablePointer<CChar>?] = environment.isEmpty ? [] : childEnvironment(environment).map { strdup($0) } + [nil]
        defer { for pointer in envp { free(pointer) } }
        return envp.withUnsafeMutableBufferPointer { buffer in
            let childEnvironment = buffer.isEmpty ? environ : buffer.baseAddress
            // ETXTBSY: a script just written is still open for writing in a
            // child another thread is spawning (until that child execs); it passes.
            var spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, childEnvironment)
            for _ in 0..<20 where spawned == ETXTBSY {
                usleep(10_000)
                spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, childEnvironment)
            }
            return spawned
        }
    }

    /// This process's environment with `overrides` put in: `KEY=VALUE` entries.
    private static func childEnvironment(_ overrides: [String: String]) -> [String] {
        var entries: [String] = []
        var index = 0
        while let entry = environ[index] {
            index += 1
            let text = String(cString: entry)
            let key = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? text
            if overrides[key] == nil { entries.append(text) }
        }
        return entries + overrides.sorted { $0.key < $1.key }.map { $0.key + "=" + $0.value }
    }

    /// Waits for the child to exit, then reaps it and returns its wait
    /// status. Until it is reaped its pid cannot be reused, so `child` may
    /// signal it up to that moment (a cancellation's SIGKILL).
    static func reap(_ pid: pid_t, child: CancellableChild) -> Int32 {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
        child.exited()
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }

    static func closeAll(_ descriptors: [Int32]) {
        for fd in descriptors where fd >= 0 { close(fd) }
    }

    /// The poll loop over the child's three pipes.
    private struct Drain {
        enum Ending { case finished, timedOut, overflowed }

        var stdoutFD: Int32
        var stderrFD: Int32
        var stdinFD: Int32
        let input: [UInt8]
        var written = 0
        let limit: Int
        var stdoutBytes: [UInt8] = []
        var stderrBytes: [UInt8] = []

        init(stdout: Int32, stderr: Int32, stdin: Int32, input: [UInt8], limit: Int) {
            stdoutFD = stdout
            stderrFD = stderr
            stdinFD = stdin
            self.input = input
            self.limit = limit
            if stdinFD >= 0 {
                _ = fcntl(stdinFD, F_SETFL, fcntl(stdinFD, F_GETFL) | O_NONBLOCK)
                if input.isEmpty { closeInput() }
            }
        }

        /// Drains until both outputs close, the deadline passes, or the
        /// child was cancelled long enough ago (`CancellableChild.abandonAt`;
        /// polls wake at least once a second to notice it).
        mutating func run(until deadline: Double, child: CancellableChild) -> Ending {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while stdoutFD >= 0 || stderrFD >= 0 {
                let now = MonotonicTime.seconds()
                if let abandon = child.abandonAt, now >= abandon { return .timedOut }
                let remaining = min(deadline - now, 1)
                if deadline - now <= 0 { return .timedOut }
                var fds: [pollfd] = []
                if stdoutFD >= 0 { fds.append(pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)) }
                if stderrFD >= 0 { fds.append(pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)) }
                if stdinFD >= 0 { fds.append(pollfd(fd: stdinFD, events: Int16(POLLOUT), revents: 0)) }
                let ready = poll(&fds, nfds_t(fds.count), Int32((remaining * 1000).rounded(.up)))
                if ready < 0 && errno != EINTR { return .finished }
                guard ready > 0 else { continue }
                for entry in fds where entry.revents != 0 {
                    if entry.fd == stdinFD {
                        writeInput()
                    } else if !readChunk(from: entry.fd, into: &buffer) {
                        return .overflowed
                    }
                }
            }
            return .finished
        }

        /// Appends what `fd` has; closes it at EOF. False past the limit.
        private mutating func readChunk(from fd: Int32, into buffer: inout [UInt8]) -> Bool {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && (errno == EINTR || errno == EAGAIN) { return true }
            guard count > 0 else {
                close(fd)
                if fd == stdoutFD { stdoutFD = -1 } else { stderrFD = -1 }
                return true
            }
            if fd == stdoutFD { stdoutBytes += buffer[0..<count] } else { stderrBytes += buffer[0..<count] }
            return stdoutBytes.count <= limit && stderrBytes.count <= limit
        }

        private mutating func writeInput() {
            let count = input.withUnsafeBytes { write(stdinFD, $0.baseAddress! + written, $0.count - written) }
            if count > 0 { written += count }
            if written >= input.count || (count < 0 && errno != EAGAIN && errno != EINTR) { closeInput() }
        }

        private mutating func closeInput() {
            close(stdinFD)
            stdinFD = -1
        }

        mutating func closeRemaining() {
            for fd in [stdoutFD, stderrFD, stdinFD] where fd >= 0 { close(fd) }
            stdoutFD = -1
            stderrFD = -1
            stdinFD = -1
        }
    }
}
