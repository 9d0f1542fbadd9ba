import Logging

/// One grok-pi-piper run over one public-inbox epoch repository
/// (`<list>/git/<N>.git`): finds master's commits not yet piped, pipes each
/// commit's message (the blob `m`) to the pipe command on stdin, oldest
/// first, and records progress in `pi-piper.latest` after every message.
/// Git is asked through `GitRunner`; what to do is `PiPiperDecision`'s.
package struct PiPiperRun: Sendable {
    /// A failure that ends the run with exit code 1, one line naming the
    /// repository or file.
    package struct Failure: Error, CustomStringConvertible {
        package let description: String
        init(_ description: String) { self.description = description }
    }

    package let repo: String
    package let settings: PiPiperSettings
    package let pipe: PipeCommand
    package let logger: Logger
    /// `-d`: say what would be piped; write nothing, pipe nothing.
    package var dryRun = false
    /// `-l N`: pipe master's last N messages whatever was recorded.
    package var pipeLast: Int? = nil
    package var git = GitRunner()
    var epoch: PublicInboxEpoch { PublicInboxEpoch(path: repo, git: git) }
    /// How long one message may keep the pipe busy before it is killed
    /// (and the run stops there, to retry that message next time).
    package var pipeTimeout: Duration = .seconds(600)
    /// Messages read per `git cat-file --batch`: bounds memory to that
    /// many messages while sparing a git process per message.
    static let batchSize = 128

    var tracking: TrackingFile { TrackingFile(repo: repo) }

    package init(repo: String, settings: PiPiperSettings, pipe: PipeCommand, logger: Logger) {
        self.repo = repo
        self.settings = settings
        self.pipe = pipe
        self.logger = logger
    }

    /// The exit code: 0, the failing pipe's exit code, or 1 when the
    /// repository cannot be piped (logged as critical, one line).
    package func run() async -> Int32 {
        logger.info("Checking \(repo)")
        do {
            return try await runChecked()
        } catch {
            logger.critical("\(error.description)")
            return 1
        }
    }

    private func runChecked() async throws(Failure) -> Int32 {
        guard FileSystem.isDirectory(repo) else { throw Failure("\(repo) is not a directory") }
        // Against another grok-pi-piper on the same repository, not
        // grok-pull's repository lock, which grok-pull holds while it
        // runs its post_update_hook.
        var lock: FileLock? = nil
        if !dryRun {
            lock = await LockWait.acquire(tracking.path, logger: logger)
            if lock == nil {
                if Task.isCancelled { return 0 }
                throw Failure("cannot lock \(tracking.path)")
            }
        }
        defer { lock?.release() }
        let tip = try await epoch.masterTip()
        let recorded: String?
        switch tracking.read() {
        case .absent: recorded = nil
        case .commit(let id): recorded = id
        case .unreadable(let why): throw Failure("\(tracking.path): \(why) (remove it to start over from master's tip)")
        }
        var ancestry: PiPiperAncestry? = nil
        if let recorded, PiPiperDecision.needsAncestry(recorded: recorded, tip: tip, pipeLast: pipeLast) {
            ancestry = try await epoch.ancestry(of: recorded)
        }
        switch PiPiperDecision.plan(recorded: recorded, tip: tip, pipeLast: pipeLast, ancestry: ancestry) {
        case .setUp(let tip):
            return try await setUp(at: tip)
        case .startOver(let tip):
            logger.critical("\(repo): history was rewritten (\(recorded ?? "") is not in master any more); starting over at \(tip) without piping")
            return try await setUp(at: tip)
        case .upToDate:
            return 0
        case .pipeSince(let since):
            return try await pipeAll(try await epoch.commits([since + "..refs/heads/master"]))
        case .pipeLast(let count):
            return try await pipeAll(try await epoch.commits(["-n", String(count), "refs/heads/master"]))
        }
    }

    /// Records `tip` without piping, then re-shallows there.
    private func setUp(at tip: String) async throws(Failure) -> Int32 {
        if dryRun {
            logger.info("Would have set up piper for \(repo) at \(tip) [DRYRUN]")
            return 0
        }
        logger.info("Initial setup for \(repo)")
        try save(tip, first: true)
        if settings.shallow { await epoch.reshallow(at: tip, logger: logger) }
        return 0
    }

    private func pipeAll(_ commits: [String]) async throws(Failure) -> Int32 {
        guard !commits.isEmpty else { return 0 }
        logger.info("Processing \(commits.count) commits")
        var progress = PipeProgress()
        var start = 0
        batches: while start < commits.count {
            let batch = Array(commits[start..<min(start + Self.batchSize, commits.count)])
            let messages = try await epoch.messages(of: batch)
            for (commit, message) in zip(batch, messages) {
                // A signal stops the run between messages, never inside one.
                if Task.isCancelled { break batches }
                let outcome = await deliver(commit, message)
                if outcome == .piped, !dryRun { try save(commit, first: progress.piped == 0) }
                guard progress.record(commit, outcome) else { break batches }
            }
            start += batch.count
        }
        if !dryRun, progress.lastPiped != nil { logger.info("Wrote \(tracking.path)") }
        if !dryRun, !Task.isCancelled, let at = progress.reshallowAt(shallow: settings.shallow) { await epoch.reshallow(at: at, logger: logger) }
        return progress.exitCode
    }

    /// Pipes one commit's message. The pipe runs in a task of its own, so
    /// a SIGTERM lets it finish (bounded by `pipeTimeout`) instead of
    /// killing it half-way through a message that then counts as unpiped.
    private func deliver(_ commit: String, _ message: [UInt8]?) async -> PipeProgress.Outcome {
        guard let message else {
            logger.info("Skipping \(commit)")
            return .noMessage
        }
        logger.info("  piping: \(commit) (\(message.count) b)\(dryRun ? " [DRYRUN]" : "")")
        if dryRun { return .piped }
        let pipe = self.pipe
        let timeout = pipeTimeout
        let outcome = await Task { await Self.run(pipe, input: message, timeout: timeout) }.value
        switch outcome {
        case .success(let result) where result.succeeded:
            return .piped
        case .success(let result):
            let said = result.errorOutput.split(separator: "\n").last.map { ": " + $0 } ?? ""
            logger.critical("\(repo): pipe \(pipe.line) exited \(result.exitCode) on \(commit), which is piped again next run\(said)")
            return .failed(exitCode: result.exitCode)
        case .failure(let error):
            logger.critical("\(repo): \(error.description) on \(commit), which is piped again next run")
            return .failed(exitCode: 1)
        }
    }

    private static func run(_ pipe: PipeCommand, input: [UInt8], timeout: Duration) async -> Result<CommandResult, CommandError> {
        do {
            return .success(try await CommandRunner.run(pipe.executable, pipe.arguments, input: input, timeout: timeout, label: pipe.line))
        } catch {
            return .failure(error)
        }
    }

    private func save(_ commit: String, first: Bool) throws(Failure) {
        do { try tracking.write(commit, first: first) } catch { throw Failure(error.description) }
    }
}
