import Testing
import TestSupport
@testable import GrokKit

/// grok-dumb-pull's decisions as plain values: what a PATH names, which
/// remotes a pass fetches, git-svn's arguments, when the hook runs and the
/// destinations are tried, the thread count, polling, exit status and how
/// fetch stderr is sorted; plus the target resolution over a real tree.
@Suite struct DumbPullDecisionTests {
    typealias D = DumbPullDecision

    @Test func pathsEndingInGitAreRepositoriesOthersAreWalked() {
        #expect(D.classify("/srv/a.git", kind: .directory, isRepository: true) == .repository)
        #expect(D.classify("/srv/tree", kind: .directory, isRepository: false) == .tree)
        // grokmirror walked below a repository named without .git and found nothing.
        #expect(D.classify("/srv/bare", kind: .directory, isRepository: true) == .repository)
        #expect(D.classify("/srv/a.git", kind: .directory, isRepository: false) == .invalid("is not a git repository"))
        #expect(D.classify("/srv/a.git", kind: .file, isRepository: false) == .invalid("is not a git repository"))
        #expect(D.classify("/srv/missing", kind: .missing, isRepository: false) == .invalid("does not exist"))
        #expect(D.classify("/srv/missing.git", kind: .missing, isRepository: false) == .invalid("does not exist"))
        #expect(D.classify("/srv/file", kind: .file, isRepository: false) == .invalid("is neither a git repository nor a directory"))
    }

    @Test func remotesMatchingAnyGlobAreFetchedOnceInTheirOrder() {
        let configured = ["origin", "github", "gitlab", "backup"]
        #expect(D.remotes(configured: configured, globs: [Glob("*")]) == .init(fetch: configured, unmatched: []))
        #expect(D.remotes(configured: configured, globs: [Glob("git*")]) == .init(fetch: ["github", "gitlab"], unmatched: []))
        // Two globs matching one remote: grokmirror fetched it twice.
        #expect(D.remotes(configured: configured, globs: [Glob("gitlab"), Glob("git*"), Glob("nope?")])
                == .init(fetch: ["github", "gitlab"], unmatched: ["nope?"]))
        #expect(D.remotes(configured: configured, globs: [Glob("[ob]*")]) == .init(fetch: ["origin", "backup"], unmatched: []))
        #expect(D.remotes(configured: [], globs: [Glob("*")]) == .init(fetch: [], unmatched: ["*"]))
        // fnmatch is case-sensitive on POSIX, and names starting with '-' are names.
        #expect(D.remotes(configured: ["Origin", "-x"], globs: [Glob("origin"), Glob("-*")]) == .init(fetch: ["-x"], unmatched: ["origin"]))
    }

    @Test func svnFetchesAllForTheDefaultGlobAndNamedRemotesAfterDashDash() {
        #expect(D.svnFetches(svnRemotes: ["svn"], globs: [Glob("*")]).arguments == [["svn", "fetch", "--all"]])
        let named = D.svnFetches(svnRemotes: ["svn", "tags", "-evil"], globs: [Glob("svn"), Glob("-*"), Glob("gone")])
        #expect(named.arguments == [["svn", "fetch", "--", "svn"], ["svn", "fetch", "--", "-evil"]])
        #expect(named.selection.unmatched == ["gone"])
    }

    @Test func theHookRunsOnlyWhenRefsChangedAndAHookIsSet() {
        #expect(D.runsHook("/bin/hook", before: "a", after: "b"))
        #expect(D.runsHook("/bin/hook", before: nil, after: "b"), "a first fetch into an empty repository")
        #expect(D.runsHook("/bin/hook", before: "a", after: nil), "every ref pruned")
        #expect(!D.runsHook("/bin/hook", before: "a", after: "a"))
        #expect(!D.runsHook("/bin/hook", before: nil, after: nil))
        #expect(!D.runsHook(nil, before: "a", after: "b"))
        #expect(!D.runsHook("", before: "a", after: "b"))
    }

    @Test func destinationsAreTriedAfterAChangeOrWhileBehind() {
        #expect(D.pushes(changed: true, behindSomewhere: false))
        #expect(D.pushes(changed: false, behindSomewhere: true))
        #expect(!D.pushes(changed: false, behindSomewhere: false))
    }

    @Test func threadsComeFromTheOptionThenTheConfigThenTwo() {
        #expect(D.threads(option: 5, configured: 3) == 5)
        #expect(D.threads(option: nil, configured: 3) == 3)
        #expect(D.threads(option: nil, configured: 0) == 2)
        #expect(D.threads(option: nil, configured: nil) == 2)
        #expect(D.threads(option: 0, configured: nil) == 2)
    }

    @Test func pollingNeedsContinuousAndARefresh() {
        #expect(D.pollInterval(continuous: true, refresh: 30, configured: 600) == 30)
        #expect(D.pollInterval(continuous: true, refresh: nil, configured: 600) == 600)
        #expect(D.pollInterval(continuous: true, refresh: nil, configured: 0) == nil)
        #expect(D.pollInterval(continuous: true, refresh: nil, configured: nil) == nil)
        #expect(D.pollInterval(continuous: false, refresh: 30, configured: 600) == nil)
    }

    @Test func anyFailureExitsOneUnlessStoppedBySignal() {
        #expect(D.exitStatus(failures: 0, interrupted: false) == 0)
        #expect(D.exitStatus(failures: 3, interrupted: false) == 1)
        #expect(D.exitStatus(failures: 3, interrupted: true) == 0)
    }

    @Test func fetchStderrIsSortedAsGrokmirrorSortsIt() {
        let stderr = """
            From /srv/origin/a.git
             * [new branch]      dev        -> origin/dev
             - [deleted]         (none)     -> origin/gone
            warning: redirecting to https://example.org/a.git/
            -> starts with an arrow
            """
        let (routine, notable) = D.splitFetchStderr(stderr)
        #expect(routine.count == 3)
        #expect(notable == ["warning: redirecting to https://example.org/a.git/", "-> starts with an arrow"])
        #expect(D.splitFetchStderr("").routine.isEmpty && D.splitFetchStderr("").notable.isEmpty)
    }

    @Test func targetsWalkTreesDeduplicateAndNameWhatIsWrong() throws {
        let dir = TemporaryDirectory()
        try makeRepository(at: dir.file("tree/a/one.git"), commits: 1)
        try makeRepository(at: dir.file("tree/two.git"), commits: 1)
        try makeRepository(at: dir.file("plain"), commits: 1)
        try shell("mkdir -p '\(dir.file("tree/empty"))' '\(dir.file("fake.git"))' && touch '\(dir.file("file"))' && ln -s tree/two.git '\(dir.file("link.git"))'")
        let targets = DumbPullTargets.resolve([dir.file("tree/"), dir.file("tree/two.git"), dir.file("link.git"), dir.file("plain"),
                                               dir.file("fake.git"), dir.file("missing"), dir.file("file")])
        #expect(targets.repositories == [dir.file("tree/a/one.git"), dir.file("tree/two.git"), dir.file("plain")])
        #expect(targets.errors == ["\(dir.file("fake.git")) is not a git repository", "\(dir.file("missing")) does not exist",
                                   "\(dir.file("file")) is neither a git repository nor a directory"])
    }
}
