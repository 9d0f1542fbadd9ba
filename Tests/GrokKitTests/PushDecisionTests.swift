import Testing
import TestSupport
@testable import GrokKit

/// Push mirroring's decisions as plain values: refspecs, destinations from
/// the config, URL templates, credential redaction, porcelain parsing, when
/// to push and survey, and deleteprotect.
@Suite struct PushDecisionTests {
    let top = TemporaryDirectory()

    private func destinations(_ sections: String) throws -> [PushDestination] {
        try PushDestination.all(in: GrokConfig(text: "[core]\ntoplevel = \(top.path)\n" + sections, path: "/etc/grokmirror/push.conf"))
    }

    private func refspec(_ text: String) throws -> PushRefspec { try PushRefspec.parse(text).get() }

    @Test func refspecsMapOnlyWhatTheyName() throws {
        let heads = try refspec("+refs/heads/*:refs/heads/*")
        #expect(heads.destinationName(for: "refs/heads/main") == "refs/heads/main")
        #expect(heads.destinationName(for: "refs/heads/a/b") == "refs/heads/a/b")
        #expect(heads.destinationName(for: "refs/changes/01/1/1") == nil)
        #expect(heads.destinationName(for: "refs/heads/") == nil)
        let renamed = try refspec("refs/heads/*:refs/heads/mirror/*")
        #expect(renamed.destinationName(for: "refs/heads/x") == "refs/heads/mirror/x")
        #expect(renamed.argument(force: true) == "refs/heads/*:refs/heads/mirror/*")
        #expect(heads.argument(force: true) == "+refs/heads/*:refs/heads/*")
        #expect(heads.argument(force: false) == "refs/heads/*:refs/heads/*")
        let exact = try refspec("refs/heads/main:refs/heads/stable")
        #expect(exact.destinationName(for: "refs/heads/main") == "refs/heads/stable")
        #expect(exact.destinationName(for: "refs/heads/mainline") == nil)
    }

    @Test func refspecsGitWouldReadOtherwiseAreRefused() {
        for bad in ["refs/heads/*", ":refs/heads/x", "^refs/heads/x", "heads/*:heads/*", "refs/heads/*:refs/heads/x", "refs/*/*:refs/*/*",
                    "refs/heads/a..b:refs/heads/x", "--delete:refs/heads/x", "refs/heads/x:-f", "refs/heads/a b:refs/heads/c", "+:"] {
            #expect(throws: PushRefspec.Invalid.self, "\(bad)") { try PushRefspec.parse(bad).get() }
        }
    }

    @Test func destinationsComeFromPushSectionsWithTheContractsDefaults() throws {
        let all = try destinations("""
            [DEFAULT]
            site = https://git.example.org
            [pull]
            pull_threads = 2
            [push.github]
            url = https://github.com/example/{name}
            [push.second-site]
            url = file:///srv/copy/{gitdir}
            exclude = /private/*
            refspecs = +refs/heads/*:refs/heads/*
              refs/tags/*:refs/tags/*
            prune = no
            force = no
            deleteprotect = 10
            retries = 5
            timeout = 30
            ssh_command = ssh -i /etc/grokmirror/keys/id -o IdentitiesOnly=yes
            """)
        #expect(all.map(\.name) == ["github", "second-site"])
        let github = all[0], site = all[1]
        #expect(github.refspecs == PushRefspec.defaults && github.prune && github.force)
        #expect(github.deleteProtect == 50 && github.retries == 3 && github.timeout == 600 && github.sshCommand == nil)
        #expect(github.include == [Glob("*")] && github.exclude.isEmpty)
        #expect(github.url(for: "/pub/scm/git/git.git") == "https://github.com/example/git")
        #expect(site.url(for: "/pub/scm/git/git.git") == "file:///srv/copy/pub/scm/git/git.git")
        #expect(site.refspecs.map { $0.argument(force: true) } == ["+refs/heads/*:refs/heads/*", "refs/tags/*:refs/tags/*"])
        #expect(!site.prune && !site.force && site.deleteProtect == 10 && site.retries == 5 && site.timeout == 30)
        #expect(site.sshCommand == "ssh -i /etc/grokmirror/keys/id -o IdentitiesOnly=yes")
        #expect(site.takes("/pub/a.git", privateRepos: []) && !site.takes("/private/a.git", privateRepos: []))
        #expect(!github.takes("/pub/secret.git", privateRepos: [Glob("*/secret.git")]), "core.private is never pushed")
        #expect(github.settingsDigest != site.settingsDigest)
    }

    /// git and servers percent-decode `scheme://` URLs: a gitdir from the
    /// remote manifest must not reach past the template's fixed part (before,
    /// `/pub/%2e%2e/%2e%2e/%2e%2e/victim.git` pushed, with prune, into
    /// `/srv/victim.git`), nor fill in a placeholder a second time.
    @Test func gitdirsCannotEscapeTheURLTemplate() throws {
        let all = try destinations("""
            [push.copy]
            url = file:///srv/copy/{gitdir}
            [push.forge]
            url = https://forge.example.org/{name}.git
            [push.scp]
            url = git@host:mirror/{gitdir}
            """)
        let (copy, forge, scp) = (all[0], all[1], all[2])
        let escaping = copy.url(for: "/pub/%2e%2e/%2e%2e/%2e%2e/victim.git")
        #expect(escaping == "file:///srv/copy/pub/%252e%252e/%252e%252e/%252e%252e/victim.git")
        #expect(PushDestination.localPath(of: escaping) == "/srv/copy/pub/%2e%2e/%2e%2e/%2e%2e/victim.git")
        #expect(copy.url(for: "/pub/a b#c?.git") == "file:///srv/copy/pub/a%20b%23c%3F.git")
        #expect(PushDestination.localPath(of: copy.url(for: "/pub/a b#c?.git")) == "/srv/copy/pub/a b#c?.git")
        #expect(forge.url(for: "/pub/%2F..%2Fother") == "https://forge.example.org/%252F..%252Fother.git")
        #expect(copy.url(for: "/a/{name}/x.git") == "file:///srv/copy/a/%7Bname%7D/x.git")
        #expect(scp.url(for: "/a/{name}/x.git") == "git@host:mirror/a/{name}/x.git", "scp-like paths are not decoded, nor filled twice")
        #expect(copy.url(for: "/pub/scm/git/git.git") == "file:///srv/copy/pub/scm/git/git.git")
    }

    @Test func badPushSectionsAreConfigErrorsNamingTheKey() {
        let cases: [(String, String)] = [
            ("[push.x]\ninclude = *\n", "url"),
            ("[push.x]\nurl = file:///a/{gitdir}\ndeleteprotect = 0\n", "deleteprotect"),
            ("[push.x]\nurl = file:///a/{gitdir}\nretries = 0\n", "retries"),
            ("[push.x]\nurl = file:///a/{gitdir}\nrefspecs = refs/heads/*\n", "refspecs"),
            ("[push.x]\nurl = file:///a/{gitdir}\nprune = maybe\n", "prune"),
            ("[push.../x]\nurl = file:///a/{gitdir}\n", "section name"),
            ("[push.x]\nurl = file:///a/{gitdir}\nrefspec = +refs/*:refs/*\n", "[push.x] refspec: unknown key (expected one of url,"),
            ("[push.x]\nuri = https://u:hunter22@h/{gitdir}\n", "[push.x] uri: unknown key"),
        ]
        for (text, key) in cases {
            do {
                _ = try destinations(text)
                Issue.record("accepted: \(text)")
            } catch let error as ConfigError {
                #expect(error.description.contains(key) && error.description.contains("/etc/grokmirror/push.conf"), "\(error.description)")
                #expect(!error.description.contains("hunter22"), "a value may be a credential: \(error.description)")
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test func credentialsNeverSurviveRedaction() {
        let url = "https://pusher:s3cr%40t-token@git.example.org/pub/a.git"
        let redaction = CredentialRedaction(urls: [url])
        let texts = [
            "fatal: unable to access '\(url)/': The requested URL returned error: 403",
            "remote: password s3cr@t-token was wrong",
            "To https://pusher:s3cr%40t-token@git.example.org/pub/a.git",
            "error: https://other:hunter22@example.com/x failed",
        ]
        for text in texts {
            let shown = redaction.redact(text)
            #expect(!shown.contains("s3cr") && !shown.contains("hunter22"), "\(shown)")
        }
        #expect(redaction.redact("push to https://pusher:s3cr%40t-token@git.example.org/x") == "push to https://***@git.example.org/x")
        #expect(CredentialRedaction.displayable("https://TOKEN@github.com/a") == "https://***@github.com/a")
        #expect(CredentialRedaction.displayable("ssh://git@host:22/a.git") == "ssh://***@host:22/a.git")
        #expect(CredentialRedaction(urls: ["file:///srv/a"]).redact("nothing to hide") == "nothing to hide")
    }

    @Test func porcelainOutputIsReadRefByRef() {
        let porcelain = PushPorcelain(parsing: """
            To file:///tmp/dst
            =\trefs/heads/b1:refs/heads/b1\t[up to date]
            -\t:refs/heads/gone\t[deleted]
             \trefs/heads/master:refs/heads/master\t0bc7497..6b95109
            *\trefs/tags/v2:refs/tags/v2\t[new tag]
            !\trefs/heads/rewritten:refs/heads/rewritten\t[rejected] (non-fast-forward)
            +\trefs/heads/pu:refs/heads/pu\t1111111...2222222 (forced update)
            Done
            """)
        #expect(porcelain.updates.count == 6)
        #expect(porcelain.deletions.map(\.destination) == ["refs/heads/gone"])
        #expect(porcelain.rejected.map(\.destination) == ["refs/heads/rewritten"])
        #expect(porcelain.changed == 4)
        #expect(porcelain.updates.filter(\.existedAtDestination).count == 5)
    }

    @Test func pushesAreSkippedAtTheSameStateAndSurveyedWhenNamesChange() {
        let current = PushRecord(fingerprint: "f2", names: "n1", settings: "s")
        #expect(PushPlan.decide(previous: current, current: current, prune: true) == .upToDate)
        #expect(PushPlan.decide(previous: nil, current: current, prune: true) == .push(survey: true))
        #expect(PushPlan.decide(previous: nil, current: current, prune: false) == .push(survey: false))
        let updated = PushRecord(fingerprint: "f1", names: "n1", settings: "s")
        #expect(PushPlan.decide(previous: updated, current: current, prune: true) == .push(survey: false))
        let renamed = PushRecord(fingerprint: "f1", names: "n0", settings: "s")
        #expect(PushPlan.decide(previous: renamed, current: current, prune: true) == .push(survey: true))
        let reconfigured = PushRecord(fingerprint: "f2", names: "n1", settings: "t")
        #expect(PushPlan.decide(previous: reconfigured, current: current, prune: true) == .push(survey: true))
    }

    @Test func scopeIsTheRefspecsDestinationNames() {
        let refs = ["refs/heads/main", "refs/heads/dev", "refs/tags/v1", "refs/changes/01/1/1", "refs/notes/commits", "refs/meta/config"]
            .map { RefStore.Ref(name: $0, objectID: String(repeating: "a", count: 40)) }
        let names = PushPlan.destinationNames(of: refs, refspecs: PushRefspec.defaults)
        #expect(names == ["refs/heads/dev", "refs/heads/main", "refs/tags/v1"])
        #expect(PushPlan.namesDigest(names) != PushPlan.namesDigest(Array(names.dropLast())))
    }

    @Test func deleteprotectCountsTheDestinationsRefsInScope() {
        func survey(kept: Int, deleted: Int, new: Int = 0) -> PushPorcelain {
            let lines = (0..<kept).map { "=\trefs/heads/k\($0):refs/heads/k\($0)\t[up to date]" }
                + (0..<deleted).map { "-\t:refs/heads/d\($0)\t[deleted]" }
                + (0..<new).map { "*\trefs/heads/n\($0):refs/heads/n\($0)\t[new branch]" }
            return PushPorcelain(parsing: lines.joined(separator: "\n"))
        }
        #expect(PushPlan.deletionRefusal(survey(kept: 2, deleted: 3), percent: 50) == nil, "3 deletions are always allowed")
        #expect(PushPlan.deletionRefusal(survey(kept: 2, deleted: 4), percent: 50) != nil)
        #expect(PushPlan.deletionRefusal(survey(kept: 6, deleted: 4), percent: 50) == nil, "40% of 10")
        #expect(PushPlan.deletionRefusal(survey(kept: 4, deleted: 6, new: 20), percent: 50) != nil, "new refs are not at the destination")
        #expect(PushPlan.deletionRefusal(survey(kept: 10, deleted: 10), percent: 50) == nil, "exactly half")
        #expect(PushPlan.deletionRefusal(survey(kept: 0, deleted: 5), percent: 100) == nil)
    }

    @Test func namedTargetsArePathsOrGitdirsAndNothingOutside() {
        let named = PushTargets.named(["/srv/git/pub/a.git", "pub/b.git", "/pub/c.git/", "/srv/git/pub/a.git", "/pub/../etc.git", "/srv/git"],
                                      toplevel: "/srv/git")
        #expect(named.gitdirs == ["/pub/a.git", "/pub/b.git", "/pub/c.git", "/srv/git"])
        #expect(named.rejected.map(\.argument) == ["/pub/../etc.git"])
    }

    @Test func stateSurvivesAReloadAndTornLinesAndForgetting() throws {
        let path = top.file("state.push")
        let store = PushStateStore(path: path)
        let record = PushRecord(fingerprint: "f", names: "n", settings: "s")
        #expect(store.save(record, destination: "a", gitdir: "/x.git"))
        #expect(store.save(record, destination: "b", gitdir: "/x.git"))
        #expect(store.save(record, destination: "a", gitdir: "/y.git"))
        #expect(store.forget("/y.git", destinations: ["a", "b"]))
        var bytes = FileSystem.read(path)!
        bytes += Array("{\"d\": \"a\", \"g\": \"/z.git\", \"f\": \"tor".utf8)
        _ = FileSystem.write(bytes, to: path)
        let reloaded = PushStateStore(path: path)
        #expect(reloaded.record(destination: "a", gitdir: "/x.git") == record)
        #expect(reloaded.record(destination: "b", gitdir: "/x.git") == record)
        #expect(reloaded.record(destination: "a", gitdir: "/y.git") == nil)
        #expect(reloaded.record(destination: "a", gitdir: "/z.git") == nil)
    }

    @Test func anotherProcessesPushesAreSeenAndTheJournalIsCompacted() throws {
        let path = top.file("state.push")
        let first = PushStateStore(path: path), second = PushStateStore(path: path)
        for index in 0..<1200 {
            #expect(first.save(PushRecord(fingerprint: "f\(index)", names: "n", settings: "s"), destination: "a", gitdir: "/x.git"))
        }
        second.refresh()
        #expect(second.record(destination: "a", gitdir: "/x.git")?.fingerprint == "f1199")
        let compacted = PushStateStore(path: path)
        #expect(compacted.record(destination: "a", gitdir: "/x.git")?.fingerprint == "f1199")
        #expect(FileSystem.read(path)!.filter { $0 == 0x0A }.count == 1)
    }

    @Test func aDestinationThatKeepsFailingPausesLongerEachTime() {
        var backoff = DestinationBackoff()
        #expect(backoff.failed(now: 0) == nil && backoff.failed(now: 1) == nil)
        #expect(backoff.failed(now: 2) == 60)
        #expect(backoff.isPaused(now: 61) && !backoff.isPaused(now: 62))
        #expect(backoff.failed(now: 70) == nil && backoff.failed(now: 71) == nil)
        #expect(backoff.failed(now: 72) == 120, "twice as long")
        var pauses: [Double] = []
        for round in 0..<10 { for step in 0..<3 { if let pause = backoff.failed(now: Double(1000 * round + step)) { pauses.append(pause) } } }
        #expect(pauses == [240, 480, 960, 1920, 3600, 3600, 3600, 3600, 3600, 3600], "up to an hour")
        backoff.succeeded()
        #expect(backoff == DestinationBackoff())
        var service = DestinationBackoff(firstPause: 5)
        #expect([0, 1, 2, 3, 4, 5].compactMap { service.failed(now: Double($0)) } == [5, 10], "a short refresh pauses for less")
        #expect(backoff.failed(now: 0) == nil, "one success resets the count")
        let health = DestinationHealth()
        for _ in 0..<3 { _ = health.failed("down", now: 10) }
        #expect(health.isPaused("down", now: 11) && !health.isPaused("up", now: 11))
        health.succeeded("down")
        #expect(!health.isPaused("down", now: 11))
    }
}
