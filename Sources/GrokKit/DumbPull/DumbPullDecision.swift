/// grok-dumb-pull's decisions as plain values, computed from names,
/// fingerprints and options alone (no disk, no git), so each is tested
/// without a repository. `DumbPullWorker` and `DumbPullRun` carry them out.
package enum DumbPullDecision {
    /// What a PATH argument names.
    package enum PathTarget: Sendable, Equatable {
        /// One repository, fetched as it is.
        case repository
        /// A directory walked for repositories (grok-manifest's walk).
        case tree
        /// Neither: the reason, for a one-line error naming the path.
        case invalid(String)
    }

    /// grokmirror's rule: a PATH ending in `.git` is one repository, any
    /// other is walked. Fixed here: a `.git` path that is missing or not a
    /// repository is an error (grokmirror ran git on it anyway), a missing
    /// or non-directory tree is an error (grokmirror found nothing and said
    /// nothing), and a repository named without `.git` is fetched (grokmirror
    /// walked below it and found nothing).
    /// - Parameters:
    ///   - kind: the path's type, symlinks followed.
    ///   - isRepository: whether it has `objects/`, `refs/` and `HEAD`.
    package static func classify(_ path: String, kind: FileSystem.Kind, isRepository: Bool) -> PathTarget {
        if kind == .missing { return .invalid("does not exist") }
        if isRepository { return .repository }
        if path.hasSuffix(".git") { return .invalid("is not a git repository") }
        return kind == .directory ? .tree : .invalid("is neither a git repository nor a directory")
    }

    /// Which remotes one fetch pass updates.
    package struct RemoteSelection: Sendable, Equatable {
        /// Remote names, each once, in the repository's order.
        package var fetch: [String] = []
        /// The `-r` globs no remote matched (logged, as grokmirror does).
        package var unmatched: [String] = []
    }

    /// The configured remotes matching any of `globs` (`fnmatch`, as `-r`
    /// takes them). grokmirror fetched a remote once per matching glob;
    /// here each is fetched once.
    package static func remotes(configured: [String], globs: [Glob]) -> RemoteSelection {
        var selection = RemoteSelection()
        var seen: Set<ExactKey> = []
        for name in configured where globs.anyMatches(name) && seen.insert(ExactKey(name)).inserted {
            selection.fetch.append(name)
        }
        selection.unmatched = globs.filter { glob in !configured.contains(where: glob.matches) }.map(\.pattern)
        return selection
    }

    /// The `git svn fetch` argument lists for `-s`: `--all` when a glob is
    /// `*` (grokmirror's default), else one fetch per matching svn-remote
    /// (`svn-remote.<name>.url`), the name after `--` so none can be read
    /// as an option. grokmirror passed each glob to git-svn verbatim.
    package static func svnFetches(svnRemotes: [String], globs: [Glob]) -> (arguments: [[String]], selection: RemoteSelection) {
        if globs.contains(where: { $0.pattern == "*" }) { return ([["svn", "fetch", "--all"]], RemoteSelection(fetch: ["--all"])) }
        let selection = remotes(configured: svnRemotes, globs: globs)
        return (selection.fetch.map { ["svn", "fetch", "--", $0] }, selection)
    }

    /// Whether the `-u` hook runs: only when a hook is set and the refs
    /// fingerprint (read from disk before and after the fetches) changed.
    package static func runsHook(_ hook: String?, before: String?, after: String?) -> Bool {
        guard let hook, !hook.isEmpty else { return false }
        return before != after
    }

    /// Whether the `[push.*]` destinations are tried: after refs changed,
    /// and also when some destination is behind (an earlier push failed),
    /// which the push state tells without a git process.
    package static func pushes(changed: Bool, behindSomewhere: Bool) -> Bool { changed || behindSomewhere }

    /// How many repositories are fetched at once: `-j`, else the config's
    /// `pull_threads` (when set above 0), else 2.
    package static func threads(option: Int?, configured: Int?) -> Int {
        if let option, option >= 1 { return option }
        if let configured, configured >= 1 { return configured }
        return 2
    }

    /// Seconds between passes, or nil for one pass: watching needs both
    /// `-o` and a refresh (`--refresh`, else the config's `[pull] refresh`),
    /// as grok-pull runs once when `-o` has no refresh.
    package static func pollInterval(continuous: Bool, refresh: Int?, configured: Int?) -> Int? {
        guard continuous, let seconds = refresh ?? configured, seconds >= 1 else { return nil }
        return seconds
    }

    /// 0 when every repository was fetched (or the run was stopped by a
    /// signal: what finished is kept, the next run fetches the rest), 1
    /// when any path or repository failed. grokmirror always exited 0.
    package static func exitStatus(failures: Int, interrupted: Bool) -> Int32 {
        interrupted || failures == 0 ? 0 : 1
    }

    /// What `git fetch` wrote on stderr, sorted as grokmirror sorts it:
    /// the `From <url>` and `<old>..<new> <ref> -> <ref>` lines are routine
    /// (debug), anything else is worth a warning.
    package static func splitFetchStderr(_ text: String) -> (routine: [String], notable: [String]) {
        var routine: [String] = [], notable: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) {
            if line.hasPrefix("From ") || (line.firstRange(of: "-> ").map { $0.lowerBound > line.startIndex } ?? false) {
                routine.append(line)
            } else {
                notable.append(line)
            }
        }
        return (routine, notable)
    }
}
