import Logging

/// One grok-bundle run over the local manifest: selects repositories
/// (`BundlePlan`), decides for each from its refs and the stored
/// `.fingerprint` (`BundleDecision`; an unchanged repository costs no git
/// process), and writes the bundles that are due (`BundleWriter`), one
/// after the other as grokmirror does.
///
/// Private repositories (`core.private`) are bundled like any other, as
/// grokmirror does: that setting keeps their objects out of shared
/// objstore repositories, and a bundle holds only what the repository's
/// own refs reach, so it publishes nothing a clone of it would not.
package struct BundleRun: Sendable {
    package let options: BundleOptions
    package let core: GrokConfig.Core
    package let logger: Logger
    package let git: GitRunner

    package init(options: BundleOptions, core: GrokConfig.Core, logger: Logger, git: GitRunner = GitRunner()) {
        self.options = options
        self.core = core
        self.logger = logger
        self.git = git
    }

    /// 0 when every selected repository is bundled or rightly skipped; 1
    /// when the manifest or output directory is unusable, a bundle failed,
    /// a gitdir was refused, or the run was interrupted.
    package func run() async -> Int32 {
        let manifestFile = ManifestFile(path: core.manifest)
        guard manifestFile.exists else {
            logger.info(" manifest: no local manifest at \(core.manifest), nothing to bundle")
            return 0
        }
        let manifest: Manifest
        do { manifest = try manifestFile.read() } catch {
            logger.critical("\(error.description)")
            return 1
        }
        guard FileSystem.makeDirectories(options.outdir) else {
            logger.critical("cannot create output directory \(options.outdir): \(FileSystem.errorDescription())")
            return 1
        }
        let outdir = PathUtilities.realpath(PathUtilities.absolute(options.outdir))
        let lock: OutputDirectoryLock
        do { lock = try OutputDirectoryLock.acquire(outdir) } catch {
            logger.critical("\(error.description)")
            return 1
        }
        defer { lock.release() }
        let plan = BundlePlan(gitdirs: manifest.gitdirs, include: options.include)
        for gitdir in plan.excluded { logger.debug("\(gitdir) does not match include list, skipping") }
        for refusal in plan.refused { logger.critical("\(refusal.description)") }
        var failures = plan.refused.count
        let writer = BundleWriter(git: git, options: options, outdir: outdir)
        for layout in plan.targets {
            if Task.isCancelled {
                logger.critical("Interrupted: the remaining repositories were not bundled")
                return 1
            }
            if await !bundle(layout, writer: writer) { failures += 1 }
        }
        return failures == 0 ? 0 : 1
    }

    /// Decides and, when due, writes; false on a failure.
    private func bundle(_ layout: BundleLayout, writer: BundleWriter) async -> Bool {
        let name = String(layout.gitdir.path.dropFirst())
        let repository = layout.gitdir.fullpath(in: core.toplevel)
        logger.debug("Checking \(name)")
        var facts = BundleDecision.Facts(fingerprint: nil)
        facts.repositoryExists = FileSystem.isDirectory(repository)
        if facts.repositoryExists {
            do { facts.fingerprint = try await FingerprintReader(git: git).refsFingerprint(gitDir: repository) } catch {
                logger.critical("  failed: \(name): \(error.description)")
                return false
            }
        }
        facts.bundleExists = FileSystem.exists(layout.bundlePath(in: writer.outdir))
        facts.storedFingerprint = FileSystem.read(layout.fingerprintPath(in: writer.outdir), limit: 4096)
            .map { String(decoding: $0, as: UTF8.self).trimmingWhitespace() }
        var decision = BundleDecision.beforeSize(facts)
        if decision == nil {
            guard PathUtilities.isInside(PathUtilities.realpath(repository), root: core.toplevel) else {
                logger.critical("  failed: \(name): \(repository) resolves outside toplevel; refusing to publish it")
                return false
            }
            decision = BundleDecision.bySize(sizeKiB: RepositorySize.kibibytes(gitDir: repository), limitGiB: options.maximumSizeGiB)
        }
        switch decision ?? .generate {
        case .skip(let reason):
            logger.info("  skipped: \(name) (\(reason))")
            return true
        case .fail(let reason):
            logger.critical("  failed: \(name): \(reason)")
            return false
        case .generate:
            return await generate(layout, name: name, repository: repository, fingerprint: facts.fingerprint ?? "", writer: writer)
        }
    }

    private func generate(_ layout: BundleLayout, name: String, repository: String, fingerprint: String, writer: BundleWriter) async -> Bool {
        logger.info(" generate: \(layout.bundlePath(in: PathUtilities.normalize(options.outdir)))")
        switch await writer.write(layout, repository: repository, fingerprint: fingerprint) {
        case .written:
            logger.debug("Wrote \(fingerprint) into \(layout.fingerprintPath(in: writer.outdir))")
            return true
        case .nothingToBundle:
            logger.info("  skipped: \(name) (\(options.revListArguments.joined(separator: " ")) selects nothing)")
            return true
        case .failed(let reason):
            logger.critical("  failed: \(name): \(reason)")
            return false
        }
    }
}
