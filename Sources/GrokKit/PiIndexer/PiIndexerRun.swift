import Glibc
import Logging

/// One grok-pi-indexer run over repository paths: sorts them into inboxes,
/// initializes the new ones (`init`), indexes the initialized ones, and
/// returns the exit code: 0 when everything asked for was done (or there
/// was nothing to do), 1 when a path was refused or an inbox failed, each
/// said in one critical line naming it. One inbox failing does not stop
/// the others.
package struct PiIndexerRun: Sendable {
    package let options: PiIndexerOptions
    package let logger: Logger
    let runner: PublicInboxRunner

    package init(options: PiIndexerOptions, logger: Logger) {
        self.options = options
        self.logger = logger
        runner = PublicInboxRunner(piConfig: options.piConfig, timeout: options.timeout)
    }

    /// `init` (with `initOptions`) or `update` over `paths`.
    package func run(paths: [String], mode: PiIndexerPlan.Mode, initOptions: PiInitOptions = PiInitOptions()) async -> Int32 {
        let toplevel = PathUtilities.realpath(options.toplevel)
        guard FileSystem.isDirectory(toplevel) else {
            logger.critical("Toplevel \(options.toplevel) is not a directory")
            return 1
        }
        let resolved = paths.map { InboxSelection.Path(given: $0, resolved: PathUtilities.realpath($0)) }
        let selection = InboxSelection.select(resolved, toplevel: toplevel, piToplevel: options.piToplevel.map(PathUtilities.realpath),
                                              acceptInboxdir: initOptions.inboxdir != nil)
        var failures = selection.refused.map { "Refusing \($0): outside toplevel \(toplevel)" }
        for path in selection.ignored { logger.debug("Not a public-inbox epoch: \(path)") }
        if initOptions.forceReinit { selection.inboxes.forEach(dropIndexes) }
        let configured = await configuredInboxdirs()
        let initialized = Set(selection.inboxes.filter { FileSystem.exists($0.msgmap) && configured.contains($0.piInboxdir) }.map(\.piInboxdir))
        let plan = PiIndexerPlan.make(selection.inboxes, initialized: initialized, mode: mode)
        for inbox in plan.notInitialized { logger.info("Inboxdir not initialized: \(inbox.piInboxdir)") }
        for failure in failures { logger.critical("\(failure)") }
        if plan.toInitialize.isEmpty && plan.toIndex.isEmpty {
            if failures.isEmpty { logger.info("Nothing to do") }
            return failures.isEmpty ? 0 : 1
        }
        failures += await carryOut(plan, initOptions: initOptions)
        return failures.isEmpty ? 0 : 1
    }

    /// The inboxdirs PI_CONFIG names (`publicinbox.*.inboxdir`), as real
    /// paths. An inbox counts as initialized only with a msgmap *and* an
    /// entry: public-inbox-init leaves msgmap.sqlite3 behind when it fails,
    /// and grokmirror, judging by the msgmap alone, then only indexes an
    /// inbox public-inbox never serves.
    private func configuredInboxdirs() async -> Set<String> {
        guard FileSystem.exists(options.piConfig) else { return [] }
        let result = try? await GitRunner().run(gitDir: nil, ["config", "--file", options.piConfig, "--get-regexp", #"^publicinbox\..*\.inboxdir$"#],
                                                timeout: .seconds(60))
        guard let result, result.succeeded else { return [] }
        return Set(result.output.split(separator: "\n").compactMap { line in
            line.firstIndex(of: " ").map { PathUtilities.realpath(String(line[line.index(after: $0)...])) }
        })
    }

    /// Initializes, then indexes; the failures, already logged.
    private func carryOut(_ plan: PiIndexerPlan, initOptions: PiInitOptions) async -> [String] {
        var failures: [String] = []
        var failed = Set<InboxLocation>()
        let initializer = InboxInitializer(options: options, initOptions: initOptions, runner: runner,
                                           origins: OriginsSource(git: GitRunner(), originHostname: initOptions.originHostname), logger: logger)
        for inbox in plan.toInitialize {
            do { try await initializer.initialize(inbox) } catch {
                logger.critical("Could not init \(inbox.gitInboxdir): \(error.message)")
                failures.append(error.message)
                failed.insert(inbox)
            }
        }
        for inbox in plan.toIndex where !failed.contains(inbox) {
            logger.info("pi-index \(inbox.gitInboxdir)")
            do { try await runner.run(.index(inbox, options: options)) } catch {
                logger.critical("Unable to index \(inbox.piInboxdir): \(error.message)")
                failures.append(error.message)
            }
        }
        return failures
    }

    /// `--force-reinit`: msgmap.sqlite3 and xap15 go, so init and index
    /// start over (the mirrored git trees are not touched).
    private func dropIndexes(_ inbox: InboxLocation) {
        guard FileSystem.exists(inbox.msgmap) || FileSystem.exists(inbox.xapianDirectory) else { return }
        logger.critical("Reinitializing \(inbox.piInboxdir)")
        for leftover in [inbox.msgmap, inbox.msgmap + "-journal"] { unlink(leftover) }
        DirectoryTree.remove(inbox.xapianDirectory)
    }

    /// `extindex`: public-inbox-extindex over every configured inbox.
    package func extindex() async -> Int32 {
        logger.info("Running extindex --all")
        do {
            try await runner.run(.extindex(options: options))
            return 0
        } catch {
            logger.critical("Unable to run public-inbox-extindex: \(error.message)")
            return 1
        }
    }
}
