import GrokKit
import Synchronization
import Testing
@testable import GrokServe

@Suite struct RepositoryStateTests {
    static let now = 1_800_000_000.0

    static func status(_ gitdir: String, failures: Int = 0, failingSince: Double? = nil, behindSince: Double? = nil,
                       error: String? = nil) -> RepositoryStatus {
        var status = RepositoryStatus(gitdir: Gitdir(gitdir))
        status.consecutiveFailures = failures
        status.failingSince = failingSince
        status.lastFailure = failingSince
        status.behindSince = behindSince
        status.lastError = error
        status.lastSuccess = now - 100
        return status
    }

    @Test func eachStateFromTheStatus() {
        #expect(RepositoryState(Self.status("/a.git"), now: Self.now) == .ok)
        #expect(RepositoryState(Self.status("/a.git", behindSince: Self.now - 60), now: Self.now) == .behind(since: Self.now - 60))
        #expect(RepositoryState(Self.status("/a.git", failures: 2, failingSince: Self.now - 3600, error: "boom"), now: Self.now)
                == .failing(count: 2, lastError: "boom"))
        let day = RepositoryState.brokenAfter
        #expect(RepositoryState(Self.status("/a.git", failures: 9, failingSince: Self.now - day - 1, error: "x"), now: Self.now)
                == .broken(count: 9, lastError: "x", since: Self.now - day - 1))
        #expect(RepositoryState(Self.status("/a.git", failures: 9, failingSince: Self.now - day, error: "x"), now: Self.now).name == "failing",
                "exactly a day is not over a day")
    }

    @Test func failingOutranksBehind() {
        let state = RepositoryState(Self.status("/a.git", failures: 1, failingSince: Self.now - 10, behindSince: Self.now - 99_999), now: Self.now)
        #expect(state.name == "failing")
    }

    @Test func worstFirstThenLongestThenName() {
        let rows = [
            Self.status("/ok-b.git"), Self.status("/ok-a.git"),
            Self.status("/behind-new.git", behindSince: Self.now - 10), Self.status("/behind-old.git", behindSince: Self.now - 1000),
            Self.status("/failing.git", failures: 1, failingSince: Self.now - 5),
            Self.status("/broken.git", failures: 40, failingSince: Self.now - 200_000),
        ].map { (state: RepositoryState($0, now: Self.now), status: $0) }
        let sorted = rows.sorted(by: RepositoryState.worstFirst).map(\.status.gitdir.path)
        #expect(sorted == ["/broken.git", "/failing.git", "/behind-old.git", "/behind-new.git", "/ok-a.git", "/ok-b.git"])
    }

    @Test func healthFollowsTheLastSuccessfulManifestCheck() {
        #expect(Health.evaluate(lastSuccessfulCheck: nil, lastError: nil, maxAge: 60, now: Self.now)
                == (false, "no manifest check recorded yet"))
        #expect(Health.evaluate(lastSuccessfulCheck: Self.now - 30, lastError: nil, maxAge: 60, now: Self.now).healthy)
        let stale = Health.evaluate(lastSuccessfulCheck: Self.now - 61, lastError: "HTTP 500", maxAge: 60, now: Self.now)
        #expect(!stale.healthy)
        #expect(stale.reason.contains("61 s ago") && stale.reason.contains("HTTP 500"))
    }

    @Test func theViewHidesPrivateAndExcludedAndCountsTheRest() throws {
        var settings = ServeSettings()
        settings.privateRepos = [Glob("*/secret/*")]
        settings.exclude = [Glob("/junk/*")]
        var snapshot = StatusSnapshot()
        snapshot.repositories = [Self.status("/pub/a.git"), Self.status("/pub/secret/b.git", failures: 3, failingSince: Self.now),
                                 Self.status("/junk/c.git"), Self.status("/pub/d.git", behindSince: Self.now - 5)]
        var push = PushStatus(gitdir: Gitdir("/pub/secret/b.git"), destination: "hidden")
        push.lastSuccess = Self.now
        snapshot.pushes = [push]
        let reads = Mutex(0)
        let view = StatusView(snapshot: snapshot, fsck: { reads.withLock { $0 += 1 }; return ["/pub/a.git": "2026-11-20"] }, settings: settings, now: Self.now)
        #expect(reads.withLock { $0 } == 0, "the statusfile is read when a page needs it, not to build the view (/metrics never does)")
        #expect(view.repositories.map(\.gitdir) == ["/pub/d.git", "/pub/a.git"])
        #expect(view.counts == ["ok": 1, "behind": 1, "failing": 0, "broken": 0])
        #expect(view.repository("/pub/secret/b.git") == nil)
        #expect(view.repository("/pub/a.git").flatMap(view.fsckLastCheck) == "2026-11-20")
        #expect(view.repository("/pub/d.git").flatMap(view.fsckLastCheck) == nil)
        #expect(reads.withLock { $0 } == 1, "read once per view")
        #expect(view.destinations.isEmpty, "a private repository's destinations are not shown either")
        #expect(view.filtered(query: "D.GIT", state: nil).map(\.gitdir) == ["/pub/d.git"])
        #expect(view.filtered(query: "", state: "ok").map(\.gitdir) == ["/pub/a.git"])
    }

    @Test func fsckRecordsAreKeyedByGitdir() throws {
        let text = #"{"/srv/m/pub/a.git": {"lastcheck": "2026-11-01", "nextcheck": "2026-12-01"}, "/srv/mx/b.git": {"lastcheck": "x", "nextcheck": "y"}}"#
        let records = try FsckStatus.lastChecks(Array(text.utf8))
        #expect(StatusView.fsckLastChecks(records, toplevel: "/srv/m") == ["/pub/a.git": "2026-11-01"], "a sibling directory is not inside")
    }

    /// /metrics sums the store in one pass without the view; both count
    /// the same repositories the same way.
    @Test func theMetricsSummaryCountsAsTheViewDoes() {
        var settings = ServeSettings()
        settings.privateRepos = [Glob("*/secret/*")]
        var snapshot = StatusSnapshot()
        snapshot.repositories = [Self.status("/a.git"), Self.status("/b.git", failures: 2, failingSince: Self.now - 10),
                                 Self.status("/c.git", failures: 9, failingSince: Self.now - 200_000),
                                 Self.status("/d.git", behindSince: Self.now - 5), Self.status("/secret/e.git")]
        func push(_ gitdir: String, _ destination: String, ok: Bool, at: Double) -> PushStatus {
            var push = PushStatus(gitdir: Gitdir(gitdir), destination: destination)
            push.lastSuccess = ok ? at : nil
            push.consecutiveFailures = ok ? 0 : 1
            return push
        }
        snapshot.pushes = [push("/a.git", "x", ok: true, at: Self.now), push("/a.git", "y", ok: false, at: Self.now),
                           push("/d.git", "x", ok: true, at: Self.now - 500), push("/orphan.git", "x", ok: true, at: Self.now),
                           push("/secret/e.git", "z", ok: true, at: Self.now)]
        let view = StatusView(snapshot: snapshot, fsck: { [:] }, settings: settings, now: Self.now)
        var summary = MetricsSummary(checks: snapshot, now: Self.now)
        snapshot.forEachRepository { status, pushes in
            if settings.serves(status.gitdir.path) { summary.add(status, pushes: pushes, now: Self.now) }
        }
        #expect(summary.counts == view.counts)
        #expect(summary.counts == ["ok": 1, "behind": 1, "failing": 1, "broken": 1])
        #expect((summary.fetchSuccesses, summary.fetchFailures, summary.failuresInARow) == (2, 2, 11))
        #expect(summary.pushes["x"] == MetricsSummary.PushCounts(success: 2, failure: 0, behind: 1), "d.git was pushed before its last fetch")
        #expect(summary.pushes["y"] == MetricsSummary.PushCounts(success: 0, failure: 1, behind: 1))
        #expect(summary.pushes["z"] == nil, "a private repository's destination is not counted")
    }
}
