import CProcessShims
import Dispatch
import Glibc

/// How a streamed command ended once its stdout was all consumed.
package struct StreamedExit: Sendable {
    package let exitCode: Int32
    /// The first `stderrLimit` bytes of what it printed on stderr.
    package let stderr: [UInt8]

    package var succeeded: Bool { exitCode == 0 }
    package var errorOutput: String { String(decoding: stderr, as: UTF8.self).trimmingWhitespace() }
}

/// Runs an executable (never through a shell) and hands its stdout to a
/// consumer chunk by chunk as it comes, for output too large to hold (an
/// archive of hundreds of megabytes). The next chunk is read only once the
/// consumer has returned, so a slow consumer stops the child on a full
/// pipe and memory stays at about one chunk. stderr is drained meanwhile
/// (a child blocked writing it would never finish stdout) and kept up to a
/// limit.
///
/// Spawning, process groups and reaping are `CommandRunner`'s. The child
/// is always reaped before `run` returns or throws: when the consumer
/// throws (a client went away), the task is cancelled or the timeout
/// passes, its process group gets SIGTERM and, `grace` later, SIGKILL.
package enum StreamingCommand {
    /// Bytes read from the pipe at once, at most.
    static let chunkSize = 1 << 18

    /// Runs `executable` and calls `consume` with each piece of its stdout.
    /// Throws what `consume` throws, or a `CommandError` (`.cancelled`,
    /// `.timedOut`, `.killedBySignal`, `.launchFailed`); a non-zero exit
    /// is a result.
    package static func run(_ executable: String, _ arguments: [String], timeout: Duration, label: String? = nil,
                            environment: [String: String] = [:], stderrLimit: Int = 1 << 16, grace: Duration = .milliseconds(500),
                            consume: ([UInt8]) async throws -> Void) async throws -> StreamedExit {
        let command = label ?? ([PathUtilities.basename(executable)] + arguments.prefix(2)).joined(separator: " ")
        if Task.isCancelled { throw CommandError.cancelled(command: command) }
        let child = CancellableChild(grace: grace)
        let started = await offThread {
            Result { () throws(CommandError) -> ChildPipes in try start(executable, arguments, environment: environment, command: command, child: child) }
        }
        var pipes = try started.get()
        pipes.stderrLimit = stderrLimit
        let deadline = MonotonicTime.seconds() + timeout.inSeconds
        var failure: (any Error)?
        await withTaskCancellationHandler {
            failure = await pump(&pipes, until: deadline, child: child, command: command, timeout: timeout, consume: consume)
        } onCancel: {
            child.cancel()
        }
        if failure != nil { child.cancel() }
        let finished = pipes
        let status = await offThread {
            finished.close()
            return CommandRunner.reap(finished.pid, child: child)
        }
        if let failure { throw failure }
        if child.isCancelled { throw CommandError.cancelled(command: command) }
        let signal = status & 0x7F
        if signal != 0 { throw CommandError.killedBySignal(command: command, signal: signal) }
        return StreamedExit(exitCode: (status >> 8) & 0xFF, stderr: pipes.stderrBytes)
    }

    /// Reads and hands over chunks until stdout ends; the error that
    /// stopped it early, if any.
    private static func pump(_ pipes: inout ChildPipes, until deadline: Double, child: CancellableChild, command: String, timeout: Duration,
                             consume: ([UInt8]) async throws -> Void) async -> (any Error)? {
        while true {
            if Task.isCancelled || child.isCancelled { return CommandError.cancelled(command: command) }
            let current = pipes
            let (next, step) = await offThread {
                var reading = current
                let step = reading.next(until: deadline, child: child)
                return (reading, step)
            }
            pipes = next
            switch step {
            case .chunk(let bytes):
                do { try await consume(bytes) } catch { return error }
            case .end:
                return nil
            case .timedOut:
                if child.isCancelled { return CommandError.cancelled(command: command) }
                return CommandError.timedOut(command: command, seconds: Int(timeout.inSeconds.rounded()))
            }
        }
    }

    /// Creates the pipes and spawns the child with stdin on /dev/null.
    private static func start(_ executable: String, _ arguments: [String], environment: [String: String], command: String,
                              child: CancellableChild) throws(CommandError) -> ChildPipes {
        _ = CommandRunner.processSetup
        var outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        guard grok_pipe_cloexec(&outPipe) == 0 else { throw .launchFailed(command: command, reason: FileSystem.errorDescription()) }
        guard grok_pipe_cloexec(&errPipe) == 0 else {
            CommandRunner.closeAll(outPipe)
            throw .launchFailed(command: command, reason: FileSystem.errorDescription())
        }
        // A larger pipe lets the child run ahead of the consumer by up to a
        // megabyte (fewer wake-ups); the kernel may refuse, which is fine.
        _ = fcntl(outPipe[0], 1031 /* F_SETPIPE_SZ */, Int32(1 << 20))
        let devNull = open("/dev/null", O_RDONLY | O_CLOEXEC)
        var pid: pid_t = 0
        let spawned = CommandRunner.spawn(executable, arguments, environment: environment, stdin: devNull, stdout: outPipe[1], stderr: errPipe[1], pid: &pid)
        CommandRunner.closeAll([devNull, outPipe[1], errPipe[1]])
        guard spawned == 0 else {
            CommandRunner.closeAll([outPipe[0], errPipe[0]])
            throw .launchFailed(command: command, reason: String(cString: strerror(spawned)))
        }
        child.started(pid)
        return ChildPipes(pid: pid, stdoutFD: outPipe[0], stderrFD: errPipe[0])
    }

    /// Runs blocking work on a dispatch thread, off the cooperative pool.
    private static func offThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }
}

/// The read ends of a streamed child's stdout and stderr.
struct ChildPipes: Sendable {
    enum Step: Sendable {
        case chunk([UInt8])
        case end
        /// The deadline passed, or the child was cancelled long enough ago.
        case timedOut
    }

    let pid: pid_t
    var stdoutFD: Int32
    var stderrFD: Int32
    var stderrBytes: [UInt8] = []
    var stderrLimit = 1 << 16

    /// Waits for the next piece of stdout, draining stderr meanwhile; polls
    /// wake at least once a second to notice a cancellation.
    mutating func next(until deadline: Double, child: CancellableChild) -> Step {
        while stdoutFD >= 0 || stderrFD >= 0 {
            let now = MonotonicTime.seconds()
            if let abandon = child.abandonAt, now >= abandon { return .timedOut }
            if deadline - now <= 0 { return .timedOut }
            var fds: [pollfd] = []
            if stdoutFD >= 0 { fds.append(pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)) }
            if stderrFD >= 0 { fds.append(pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&fds, nfds_t(fds.count), Int32((min(deadline - now, 1) * 1000).rounded(.up)))
            if ready < 0 && errno != EINTR { return .end }
            guard ready > 0 else { continue }
            for entry in fds where entry.revents != 0 {
                if entry.fd == stderrFD {
                    drainStderr()
                } else if let chunk = readStdout() {
                    return .chunk(chunk)
                }
            }
        }
        return .end
    }

    /// A chunk of stdout, or nil (closing it at EOF, or after EINTR).
    private mutating func readStdout() -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: StreamingCommand.chunkSize)
        let count = chunk.withUnsafeMutableBytes { read(stdoutFD, $0.baseAddress, $0.count) }
        if count < 0 && (errno == EINTR || errno == EAGAIN) { return nil }
        guard count > 0 else {
            Glibc.close(stdoutFD)
            stdoutFD = -1
            return nil
        }
        chunk.removeSubrange(count...)
        return chunk
    }

    private mutating func drainStderr() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { read(stderrFD, $0.baseAddress, $0.count) }
        if count < 0 && (errno == EINTR || errno == EAGAIN) { return }
        guard count > 0 else {
            Glibc.close(stderrFD)
            stderrFD = -1
            return
        }
        stderrBytes += buffer[0..<min(count, max(0, stderrLimit - stderrBytes.count))]
    }

    /// Closes what is still open: a child still writing gets EPIPE.
    func close() {
        CommandRunner.closeAll([stdoutFD, stderrFD])
    }
}
