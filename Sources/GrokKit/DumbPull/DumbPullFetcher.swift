import Logging

/// The fetches of one repository: every remote the `-r` globs select,
/// each with `git fetch --prune` (what grokmirror's `git remote update
/// <name> --prune` runs), or `git svn fetch` with `-s`. Remote names come
/// from the repository's config file without a git process (`git remote`
/// only when the file has includes or does not parse), and reach git after
/// `--`. Automatic maintenance is left out of the fetch and run by the
/// caller only when refs changed: a fetch that brought nothing has nothing
/// to pack, and the check costs a process per repository.
package struct DumbPullFetcher: Sendable {
    package let globs: [Glob]
    package let svn: Bool
    /// Carries the per-fetch timeout.
    package let git: GitRunner
    package let logger: Logger

    package init(globs: [Glob], svn: Bool, git: GitRunner, logger: Logger) {
        self.globs = globs
        self.svn = svn
        self.git = git
        self.logger = logger
    }

    /// Fetches what the globs select in the repository at `path`; one
    /// message per fetch that failed (timed out, git exited non-zero).
    package func fetch(_ path: String) async -> [String] {
        let commands: [(remote: String, arguments: [String])]
        if svn {
            let (arguments, selection) = DumbPullDecision.svnFetches(svnRemotes: svnRemotes(of: path), globs: globs)
            logUnmatched(selection.unmatched, in: path)
            commands = zip(selection.fetch, arguments).map { ($0, $1) }
        } else {
            guard let configured = await remotes(of: path) else { return ["cannot list its remotes"] }
            guard !configured.isEmpty else {
                logger.info("Repository \(path) has no defined remotes!")
                return []
            }
            let selection = DumbPullDecision.remotes(configured: configured, globs: globs)
            logUnmatched(selection.unmatched, in: path)
            commands = selection.fetch.map { ($0, ["fetch", "--prune", "--no-auto-gc", "--", $0]) }
        }
        var failures: [String] = []
        for (remote, arguments) in commands {
            if Task.isCancelled { return failures + ["interrupted"] }
            logger.info(svn ? "Running git-svn fetch \(remote) in \(path)" : "Updating remote \(remote) in \(path)")
            if let why = await run(arguments, in: path) {
                logger.error("Could not fetch \(remote) in \(path): \(why)")
                failures.append("fetch \(remote): \(why)")
            }
        }
        return failures
    }

    /// Runs one fetch; nil when it succeeded, else why not.
    private func run(_ arguments: [String], in path: String) async -> String? {
        let result: GitResult
        do { result = try await git.run(gitDir: path, arguments) } catch { return error.description }
        let (routine, notable) = DumbPullDecision.splitFetchStderr(result.errorOutput)
        if !routine.isEmpty { logger.debug("Stderr: \(routine.joined(separator: "\n"))") }
        guard result.succeeded else {
            return notable.last ?? "git exited \(result.exitCode)"
        }
        if !notable.isEmpty { logger.warning("Stderr: \(notable.joined(separator: "\n"))") }
        return nil
    }

    private func logUnmatched(_ globs: [String], in path: String) {
        for glob in globs { logger.info("Could not find any remotes matching \(glob) in \(path)") }
    }

    /// Remote names in config order, each once; nil when even git cannot
    /// list them.
    private func remotes(of path: String) async -> [String]? {
        if let config = GitConfigFile.read(gitDir: path) { return unique(config.remotes.map(\.name)) }
        guard let result = try? await git.run(gitDir: path, ["remote"]), result.succeeded else { return nil }
        return unique(result.output.split(separator: "\n").map(String.init))
    }

    /// `svn-remote.<name>.url` names (git-svn's remotes) from the config file.
    private func svnRemotes(of path: String) -> [String] {
        let entries = GitConfigFile.read(gitDir: path)?.entries ?? []
        return unique(entries.compactMap { entry in
            guard entry.key.hasPrefix("svn-remote."), entry.key.hasSuffix(".url"), entry.key.count > 15 else { return nil }
            return String(entry.key.dropFirst(11).dropLast(4))
        })
    }

    private func unique(_ names: [String]) -> [String] {
        var seen: Set<ExactKey> = []
        return names.filter { seen.insert(ExactKey($0)).inserted }
    }
}
