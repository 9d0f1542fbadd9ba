import Logging

/// The git side of grok-pi-piper: what it asks of one public-inbox epoch
/// repository (master's tip, how a commit relates to it, the commits to
/// pipe, their messages) and the re-shallowing that prunes piped messages.
/// Object ids passed in were checked to be hex, and revisions come after
/// the options, so nothing read from a file can act as an option.
struct PublicInboxEpoch: Sendable {
    let path: String
    let git: GitRunner

    typealias Failure = PiPiperRun.Failure

    /// master's commit.
    /// - Throws: `Failure` when there is no master (or no repository).
    func masterTip() async throws(Failure) -> String {
        let result = try await run(["rev-parse", "--verify", "--quiet", "refs/heads/master^{commit}"])
        let tip = result.output
        guard result.succeeded, TrackingFile.isObjectID(tip) else {
            let why = result.errorOutput.isEmpty ? "" : " (\(result.errorOutput.split(separator: "\n").last ?? ""))"
            throw Failure("\(path) has no master branch to pipe from\(why)")
        }
        return tip
    }

    /// Whether master descends from `commit`, which is missing from the
    /// repository when git cannot read it as a commit.
    func ancestry(of commit: String) async throws(Failure) -> PiPiperAncestry {
        guard try await run(["rev-parse", "--verify", "--quiet", commit + "^{commit}"]).succeeded else { return .missing }
        let check = try await run(["merge-base", "--is-ancestor", commit, "refs/heads/master"])
        switch check.exitCode {
        case 0: return .ancestor
        case 1: return .notAncestor
        default: throw Failure("git merge-base failed in \(path): \(check.errorOutput)")
        }
    }

    /// `git rev-list --reverse <revisions>`: commit ids, oldest first.
    func commits(_ revisions: [String]) async throws(Failure) -> [String] {
        let result = try await run(["rev-list", "--reverse"] + revisions + ["--"])
        guard result.succeeded else { throw Failure("git rev-list failed in \(path): \(result.errorOutput)") }
        let ids = result.output.split(separator: "\n").map(String.init)
        guard ids.allSatisfy(TrackingFile.isObjectID) else {
            throw Failure("git rev-list in \(path) printed something other than commit ids")
        }
        return ids
    }

    /// Each commit's message (`<commit>:m`), nil for a commit that has
    /// none (public-inbox records a removal as a commit without `m`).
    func messages(of commits: [String]) async throws(Failure) -> [[UInt8]?] {
        do {
            return try await BlobBatch.read(commits.map { $0 + ":m" }, gitDir: path, git: git)
        } catch {
            throw Failure(error.message)
        }
    }

    /// Makes `commit` the repository's only shallow boundary and prunes
    /// everything older (`git gc --prune=now`), as grokmirror's
    /// `shallow = yes` does. Failures are logged: the messages were piped,
    /// only the disk space is not reclaimed.
    func reshallow(at commit: String, logger: Logger) async {
        logger.info("   prune: \(path)")
        do {
            try AtomicFile.replace(PathUtilities.join(path, "shallow"), with: Array((commit + "\n").utf8))
        } catch {
            logger.error("\(error.description)")
            return
        }
        do {
            _ = try await git.runOrFail(gitDir: path, ["gc", "--prune=now"], timeout: nil)
        } catch {
            logger.error("\(error.description)")
        }
    }

    private func run(_ arguments: [String]) async throws(Failure) -> CommandResult {
        do {
            return try await git.run(gitDir: path, arguments)
        } catch {
            throw Failure(error.description)
        }
    }
}
