import Glibc
import Logging

/// Initializes one mirrored inbox for public-inbox: with its epochs locked
/// against grok-pull, learns what the origin says about it, prepares the
/// separate database directory if `--pi-toplevel` asks for one, runs
/// public-inbox-init and writes the inbox's description.
package struct InboxInitializer: Sendable {
    package let options: PiIndexerOptions
    package let initOptions: PiInitOptions
    package let runner: PublicInboxRunner
    package let origins: OriginsSource
    package let logger: Logger

    package init(options: PiIndexerOptions, initOptions: PiInitOptions, runner: PublicInboxRunner, origins: OriginsSource, logger: Logger) {
        self.options = options
        self.initOptions = initOptions
        self.runner = runner
        self.origins = origins
        self.logger = logger
    }

    /// `git/0.git`, `git/1.git`, ... up to the first missing one, as
    /// public-inbox counts epochs.
    package static func epochs(of inboxdir: String) -> [String] {
        var epochs: [String] = []
        while case let epoch = "\(inboxdir)/git/\(epochs.count).git", FileSystem.isDirectory(epoch) { epochs.append(epoch) }
        return epochs
    }

    package func initialize(_ inbox: InboxLocation) async throws(PiIndexerFailure) {
        logger.info("pi-init  \(inbox.gitInboxdir)")
        let epochs = Self.epochs(of: inbox.gitInboxdir)
        guard !epochs.isEmpty else { throw PiIndexerFailure("\(inbox.gitInboxdir) is not a public-inbox v2 inbox: no git/0.git") }
        var locks: [FileLock] = []
        defer { for lock in locks { lock.release() } }
        for epoch in epochs.reversed() {
            guard let lock = await LockWait.acquire(epoch, logger: logger) else { throw PiIndexerFailure("cannot lock \(epoch)") }
            locks.append(lock)
        }
        var config: OriginsConfig? = nil
        if let text = try await origins.text(for: inbox, epochs: epochs, logger: logger) {
            do { config = try OriginsConfig.parse(text) } catch { throw PiIndexerFailure("origins info for \(inbox.gitInboxdir): \(error.description)") }
        } else {
            logger.info("No origins info for \(inbox.name): initializing with defaults")
        }
        let plan = InboxInitPlan.make(inbox: inbox, origins: config, options: options, initOptions: initOptions)
        logger.debug("\(plan.invocation.tool) \(plan.invocation.arguments.joined(separator: " "))")
        if inbox.isSeparate { try prepareSeparateDirectory(inbox) }
        try await runner.run(plan.invocation)
        do {
            try AtomicFile.replace(inbox.piInboxdir + "/description", with: Array(plan.description.utf8))
        } catch {
            throw PiIndexerFailure("initialized \(inbox.piInboxdir), but \(error.description)")
        }
    }

    /// The database directory under `--pi-toplevel`, with a `git` symlink
    /// to the mirrored epochs; a `git` that is anything else is refused.
    private func prepareSeparateDirectory(_ inbox: InboxLocation) throws(PiIndexerFailure) {
        guard FileSystem.makeDirectories(inbox.piInboxdir) else {
            throw PiIndexerFailure("cannot create \(inbox.piInboxdir): \(FileSystem.errorDescription())")
        }
        let link = inbox.piInboxdir + "/git"
        let target = inbox.gitInboxdir + "/git"
        switch FileSystem.kind(link) {
        case .missing:
            guard symlink(target, link) == 0 else { throw PiIndexerFailure("cannot create \(link): \(FileSystem.errorDescription())") }
        case .symlink where PathUtilities.readLink(link) == target: break
        default: throw PiIndexerFailure("\(link) exists and is not a symlink to \(target); not touching it")
        }
    }
}
