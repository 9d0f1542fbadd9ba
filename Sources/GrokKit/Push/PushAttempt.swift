import Glibc
import Logging

/// One repository pushed to one destination, retries included: the
/// state check, the survey `deleteprotect` needs, the push, and the
/// record of its success. Every message it returns or logs has the
/// destination URL's credentials blanked out.
struct PushAttempt: Sendable {
    let pusher: RepositoryPusher
    let path: String
    let gitdir: Gitdir
    let destination: PushDestination
    let refs: [RefStore.Ref]

    private var logger: Logger { pusher.logger }
    private var url: String { destination.url(for: gitdir) }
    private var redaction: CredentialRedaction { CredentialRedaction(urls: [url]) }
    private var target: String { PushStateStore.target(of: url) }

    /// What one try came to.
    private enum Try {
        case pushed(PushPorcelain)
        /// Not to be retried: the same try would end the same way.
        case refused(String)
        /// The transport failed: worth another try.
        case failed(String)
    }

    /// How the attempt ended; messages have credentials blanked out.
    enum Ending: Sendable, Equatable {
        /// The destination held this state already: nothing was run.
        case current
        case pushed
        /// The destination answered no (rejected refs, deleteprotect), or
        /// the run is stopping: nothing wrong with the destination itself.
        case refused(String)
        /// Every try failed to reach or complete the push.
        case failed(String)
    }

    /// Pushes unless the destination holds this state already.
    func run(fingerprint: String) async -> Ending {
        let names = PushPlan.destinationNames(of: refs, refspecs: destination.refspecs)
        let current = PushRecord(fingerprint: fingerprint, names: PushPlan.namesDigest(names), settings: destination.settingsDigest)
        let previous = pusher.store.record(destination: destination.name, gitdir: gitdir)
        guard case .push(var survey) = PushPlan.decide(previous: previous, current: current, prune: destination.prune) else { return .current }
        if let other = pusher.store.claim(target, destination: destination.name, gitdir: gitdir) {
            return .refused("\(CredentialRedaction.displayable(url)) is also where \(other) is pushed: the url template must tell them apart "
                + "(use {gitdir}, or exclude one)")
        }
        guard !names.isEmpty else {
            // An empty repository (or one emptied by accident) would have
            // git delete everything there: a destination is never emptied.
            logger.info("     push: \(gitdir) -> \(destination.name): no refs in scope, nothing to push")
            return finish(PushPorcelain(parsing: ""), record: current)
        }
        logger.info("     push: \(gitdir) -> \(destination.name)")
        switch await createLocalDestination() {
        case .failure(let failure): return .failed(failure.message)
        case .success(let created): if created { survey = false }
        }
        var lastFailure = ""
        for attempt in 1...destination.retries {
            if attempt > 1 {
                // A stop request is no failure to retry.
                guard !Task.isCancelled, (try? await Task.sleep(for: .seconds(1 << min(attempt - 2, 6)))) != nil else { return .refused("interrupted") }
                logger.info("   repush: \(gitdir) -> \(destination.name) (try #\(attempt))")
            }
            switch await once(survey: survey && !pusher.overrideDeleteProtect) {
            case .pushed(let result): return finish(result, record: current)
            case .refused(let why): return .refused(why)
            case .failed(let why):
                lastFailure = why
                logger.warning("     push: \(gitdir) -> \(destination.name): \(why)")
            }
        }
        return .failed("failed after \(destination.retries) tries: \(lastFailure)")
    }

    /// Rejected refs are reported (and the state not recorded, so the next
    /// run tries again); otherwise the push is recorded as done.
    private func finish(_ result: PushPorcelain, record: PushRecord) -> Ending {
        let rejected = result.rejected
        for update in rejected {
            logger.warning("     push: \(gitdir) -> \(destination.name): \(update.destination) \(redaction.redact(update.summary))")
        }
        logger.debug("     push: \(gitdir) -> \(destination.name): \(result.changed) refs changed")
        if !rejected.isEmpty {
            return .refused("\(rejected.count) refs rejected: " + rejected.map { "\($0.destination) \(redaction.redact($0.summary))" }.joined(separator: ", "))
        }
        if !pusher.store.save(record, destination: destination.name, gitdir: gitdir, target: target) {
            logger.warning("Could not record the push in \(pusher.store.path): the next run pushes \(gitdir) again")
        }
        return .pushed
    }

    /// One try: the survey when asked for, then the push.
    private func once(survey: Bool) async -> Try {
        if survey {
            switch await gitPush(dryRun: true) {
            case .pushed(let dryRun):
                if let refusal = PushPlan.deletionRefusal(dryRun, percent: destination.deleteProtect) { return .refused(refusal) }
            case let other: return other
            }
        }
        return await gitPush(dryRun: false)
    }

    private func gitPush(dryRun: Bool) async -> Try {
        var arguments = ["push", "--porcelain", "--no-follow-tags"]
        if destination.prune { arguments.append("--prune") }
        if dryRun { arguments.append("--dry-run") }
        arguments.append(RepositoryPusher.remoteName)
        arguments += destination.refspecs.map { $0.argument(force: destination.force) }
        let credentials = PushCredentials.split(url)
        var environment = credentials.environment
        for (index, (key, value)) in ([("remote.\(RepositoryPusher.remoteName).url", credentials.url)] + credentials.config).enumerated() {
            environment["GIT_CONFIG_KEY_\(index)"] = key
            environment["GIT_CONFIG_VALUE_\(index)"] = value
        }
        environment["GIT_CONFIG_COUNT"] = String(credentials.config.count + 1)
        if let ssh = destination.sshCommand {
            environment["GIT_SSH_COMMAND"] = ssh
        } else if getenv("GIT_SSH_COMMAND") == nil && getenv("GIT_SSH") == nil {
            // ssh asks for passwords and unknown host keys on the terminal,
            // which a git in its own process group cannot read: it would
            // stop until the timeout. BatchMode makes that a failure at once.
            environment["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes"
        }
        let result: GitResult
        do {
            result = try await pusher.git.run(gitDir: path, arguments, timeout: .seconds(destination.timeout), environment: environment)
        } catch {
            if case .cancelled = error { return .refused("interrupted") }
            return .failed(redaction.redact(error.description))
        }
        let porcelain = PushPorcelain(parsing: String(decoding: result.stdout, as: UTF8.self))
        if result.succeeded { return .pushed(porcelain) }
        // Refs were answered one by one: the transport worked, some were
        // rejected; another try would be rejected again.
        if !porcelain.rejected.isEmpty { return .pushed(porcelain) }
        let lastLine = result.errorOutput.split(separator: "\n").last { !$0.hasPrefix("hint:") }.map(String.init) ?? "exit code \(result.exitCode)"
        return .failed(redaction.redact(lastLine))
    }

    private struct Failure: Error { let message: String }

    /// A `file:///` (or plain absolute path) destination that does not
    /// exist yet is created as a bare repository, and true returned: it
    /// holds nothing a push could delete. Other schemes must exist already.
    private func createLocalDestination() async -> Result<Bool, Failure> {
        guard let local = PushDestination.localPath(of: url) else { return .success(false) }
        guard FileSystem.kind(local) == .missing else { return .success(false) }
        guard FileSystem.makeDirectories(PathUtilities.dirname(local)) else {
            return .failure(Failure(message: "cannot create \(PathUtilities.dirname(local)): \(FileSystem.errorDescription())"))
        }
        logger.info("     push: creating \(local) for \(destination.name)")
        do { try await BareRepository.initialize(local, git: pusher.git) } catch { return .failure(Failure(message: redaction.redact(error.description))) }
        return .success(true)
    }
}
