import Glibc

/// Writes one repository's bundle so that no client ever downloads half of
/// one, and so that a run killed at any instant leaves a state the next run
/// repairs:
///
/// 1. `git bundle create` writes `.clone.bundle.tmp.<pid>` (through its own
///    `.lock`) in the bundle directory, which is created inside the output
///    directory only (`ContainedPath`: no `..`, no symlink leading out);
/// 2. the bundle's header is checked and its data synced, then it is
///    renamed to `clone.bundle`;
/// 3. only then is `.fingerprint` replaced (`AtomicFile`), so a kill before
///    it leaves the old fingerprint, and the next run makes the bundle again.
///
/// Temporaries a killed run left are removed before each write; the run
/// holds `OutputDirectoryLock`, so they cannot be another run's.
package struct BundleWriter: Sendable {
    package let git: GitRunner
    package let gitArguments: [String]
    package let revListArguments: [String]
    /// The output directory, resolved (`realpath`).
    package let outdir: String

    package init(git: GitRunner, options: BundleOptions, outdir: String) {
        self.git = git
        gitArguments = options.gitArguments
        revListArguments = options.revListArguments
        self.outdir = outdir
    }

    package enum Outcome: Sendable, Equatable {
        case written
        /// git refused: the rev-list arguments select nothing (a repository
        /// with tags only, say). Nothing was written.
        case nothingToBundle
        case failed(String)
    }

    /// `repository` is the full path git reads; `fingerprint` the one taken
    /// before this call, so a ref that moves meanwhile makes the next run
    /// bundle again rather than pass for bundled.
    package func write(_ layout: BundleLayout, repository: String, fingerprint: String) async -> Outcome {
        let directory = layout.directoryPath(in: outdir)
        do {
            try ContainedPath(toplevel: outdir, gitdir: Gitdir(layout.directory.path + "/" + BundleLayout.bundleName)).createParents()
        } catch {
            return .failed("\(error.path) resolves outside \(outdir); refusing to write there")
        }
        Self.removeLeftovers(in: directory)
        let temporary = directory + "/" + AtomicFile.temporaryPrefix(for: BundleLayout.bundleName) + String(getpid())
        let result: GitResult
        do {
            result = try await git.run(gitDir: repository, gitArguments + ["bundle", "create", temporary] + revListArguments)
        } catch {
            Self.discard(temporary)
            return .failed(error.description)
        }
        guard result.succeeded else {
            Self.discard(temporary)
            let message = result.errorOutput
            if message.contains("Refusing to create empty bundle") { return .nothingToBundle }
            let firstLine = message.split(separator: "\n").first.map(String.init) ?? "no message"
            return .failed("git bundle create exited with \(result.exitCode): \(firstLine)")
        }
        if let problem = Self.publish(temporary, as: layout.bundlePath(in: outdir)) {
            Self.discard(temporary)
            return .failed(problem)
        }
        do {
            // Its own fsync commits the bundle's rename before it (journaled
            // filesystems keep the order); losing the new fingerprint to a
            // power cut only costs one more bundle, so no directory sync.
            try AtomicFile.replace(layout.fingerprintPath(in: outdir), with: Array(fingerprint.utf8), syncDirectory: false)
        } catch {
            return .failed(error.description)
        }
        return .written
    }

    /// What killed writers leave in a bundle directory: our temporaries
    /// (and git's locks on them), `.fingerprint`'s, and the lock of a
    /// grokmirror run killed while writing `clone.bundle` in place.
    static func removeLeftovers(in directory: String) {
        AtomicFile.removeStaleTemporaries(of: [BundleLayout.bundleName, BundleLayout.fingerprintName], in: directory)
        unlink(directory + "/" + BundleLayout.gitLockName)
    }

    private static func discard(_ temporary: String) {
        unlink(temporary)
        unlink(temporary + ".lock")
    }

    /// Renames a finished bundle into place after checking it starts as a
    /// bundle does and syncing its data (a power cut must not leave an
    /// empty `clone.bundle` that a later fingerprint vouches for); the
    /// reason when it cannot. Syncs per bundle cost about 3 ms each here,
    /// so only the two that matter are made.
    static func publish(_ temporary: String, as final: String) -> String? {
        let fd = open(temporary, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return "cannot open \(temporary): \(FileSystem.errorDescription())" }
        var header = [UInt8](repeating: 0, count: 16)
        let count = pread(fd, &header, header.count, 0)
        let synced = fsync(fd) == 0 ? nil : FileSystem.errorDescription()
        close(fd)
        guard count == header.count, isBundleHeader(header) else { return "git wrote no bundle to \(temporary)" }
        if let synced { return "cannot sync \(temporary): \(synced)" }
        guard rename(temporary, final) == 0 else { return "cannot move \(temporary) to \(final): \(FileSystem.errorDescription())" }
        return nil
    }

    /// `# v2 git bundle\n` or `# v3 git bundle\n`.
    static func isBundleHeader(_ bytes: [UInt8]) -> Bool {
        bytes.elementsEqual("# v2 git bundle\n".utf8) || bytes.elementsEqual("# v3 git bundle\n".utf8)
    }
}
