import Foundation
import Testing
import TestSupport
import GrokKit

/// grok-pull pushing its mirror on over real transports: smart HTTP behind
/// basic auth (credentials in the URL or in ~/.netrc), ssh to a real sshd,
/// and file:// — with a destination that is missing or down, forks whose
/// objects live in an objstore, and a purge. What arrives is checked ref by
/// ref, and the HTTP password is looked for everywhere the tool writes.
@Suite(.serialized) struct PushTransportTests {
    /// With a '/' (percent-encoded in the URL, decoded by git) and a '+'.
    static let secret = "hunter2/Pa55+word"
    static let wrongSecret = "wrong/Guess+99"
    /// What make-origin.sh gives every repository.
    static let originRefNames = ["refs/heads/dev", "refs/heads/master", "refs/tags/v1"]

    // MARK: - Helpers

    /// `<oid> <refname>` of every head and tag, one a line.
    static func headsAndTags(_ gitDir: String) throws -> String {
        try shell("git --git-dir='\(gitDir)' for-each-ref --format='%(objectname) %(refname)' refs/heads refs/tags")
    }

    static func refNames(_ listing: String) -> [String] {
        listing.split(separator: "\n").map { String($0.split(separator: " ").last ?? "") }
    }

    /// Each repository at `root` holds exactly the mirror's heads and tags,
    /// which are the origin's dev, master and v1.
    static func expectPushed(_ f: PullFixture, to root: String, _ gitdirs: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(!gitdirs.isEmpty, sourceLocation: sourceLocation)
        for gitdir in gitdirs {
            let mirrored = try headsAndTags(f.mirror + gitdir)
            #expect(refNames(mirrored) == originRefNames, "\(gitdir): \(mirrored)", sourceLocation: sourceLocation)
            #expect(try headsAndTags(root + gitdir) == mirrored, "\(gitdir) at \(root)", sourceLocation: sourceLocation)
        }
    }

    /// Empty bare repositories at `root` + each gitdir, as a hosting
    /// service has them before the first push.
    static func createDestinations(_ root: String, _ gitdirs: [String]) throws {
        for gitdir in gitdirs { try shell("git init -q --bare '\(root + gitdir)'") }
    }

    static func encoded(_ password: String) -> String {
        password.addingPercentEncoding(withAllowedCharacters: .urlPasswordAllowed) ?? password
    }

    static func section(_ name: String, url: String, _ more: String = "") -> String {
        "[push.\(name)]\nurl = \(url)\nretries = 1\n\(more)"
    }

    static func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    static func pullLog(_ f: PullFixture) -> String { read(f.dir.file("pull.log")) }

    static func pushState(_ f: PullFixture) -> String { read(f.mirror + "/.manifest.js.gz.push") }

    /// Neither the secrets nor their percent-encoded forms appear in the
    /// run's output, the log file or the push state file.
    static func expectNoSecrets(_ secrets: [String], _ f: PullFixture, _ run: ProcessOutcome, sourceLocation: SourceLocation = #_sourceLocation) {
        let places = [("stdout", run.stdout), ("stderr", run.stderr), ("pull.log", pullLog(f)), ("push state", pushState(f))]
        for secret in secrets {
            for form in Set([secret, encoded(secret)]) {
                for (place, text) in places {
                    #expect(!text.contains(form), "\(form) in \(place):\n\(text)", sourceLocation: sourceLocation)
                }
            }
        }
    }

    /// The lines of grok-pull's failure report (after "N repositories failed:").
    static func failureReport(_ run: ProcessOutcome) -> [String] {
        let lines = run.stderr.split(separator: "\n").map(String.init)
        guard let start = lines.firstIndex(where: { $0.contains("repositories failed:") }) else { return [] }
        return [lines[start]] + lines[(start + 1)...].filter { $0.hasPrefix("  /") }
    }

    /// The gitdirs of "push: <gitdir> -> <destination>" lines.
    static func pushed(_ stderr: String, to destination: String) -> [String] {
        stderr.split(separator: "\n").compactMap { line -> String? in
            guard let range = line.range(of: "     push: "), line.hasSuffix(" -> \(destination)") else { return nil }
            return String(line[range.upperBound...].dropLast(destination.count + 4))
        }.sorted()
    }

    /// A GITBIN that appends its arguments to `log` (one line a command)
    /// and runs /usr/bin/git.
    static func recordingGit(_ f: PullFixture) throws -> (bin: String, log: String) {
        let bin = f.dir.file("recording-git"), log = f.dir.file("git-commands.log")
        f.dir.write("recording-git", "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '\(log)'\nexec /usr/bin/git \"$@\"\n")
        try shell("chmod +x '\(bin)'")
        return (bin, log)
    }

    /// The recorded commands whose git subcommand is `name`.
    static func takeCommands(_ name: String, from log: String) -> [[String]] {
        let commands = read(log).split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        return commands.filter { words in words.first { !$0.hasPrefix("-") } == name }
    }

    // MARK: - Smart HTTP

    @Test func smartHTTPWithCredentialsInTheURL() throws {
        let f = try PullFixture(repos: 4)
        let root = f.dir.file("web")
        let server = try PushHTTPServer(root: root, password: Self.secret)
        let gitdirs = f.originRepos.sorted()
        let missing = "/pub/project3/repo3.git"
        try Self.createDestinations(root, gitdirs.filter { $0 != missing })
        let web = Self.section("web", url: server.url("{gitdir}"))
        f.writeConfig(extra: web)

        // A destination repository that does not exist is not created over
        // HTTP: that repository fails, by name; the others are pushed.
        let first = try f.runPull()
        #expect(first.status == 1, "\(first.stderr)")
        let report = Self.failureReport(first)
        #expect(report.first == "1 repositories failed:", "\(first.stderr)")
        #expect(report.count == 2 && report[1].hasPrefix("  \(missing): push to web: ") && report[1].contains("not found"), "\(report)")
        #expect(Self.pullLog(f).contains(" - ERROR -      push: \(missing) -> web: failed after 1 tries: "), "\(Self.pullLog(f))")
        #expect(!FileSystem.exists(root + missing))
        try Self.expectPushed(f, to: root, gitdirs.filter { $0 != missing })
        try f.expectMirrorEqualsOrigin()
        #expect(server.accessLog.contains("POST /git\(gitdirs[0])/git-receive-pack HTTP/1.1\" 200"), "\(server.accessLog)")
        Self.expectNoSecrets([Self.secret], f, first)

        // Once it exists, the next run pushes it (and only it): no fetch.
        try Self.createDestinations(root, [missing])
        let second = try f.runPull()
        #expect(second.status == 0, "\(second.stderr)")
        #expect(Self.pushed(second.stderr, to: "web") == [missing], "\(second.stderr)")
        #expect(!second.stderr.contains("fetch:"), "\(second.stderr)")
        try Self.expectPushed(f, to: root, gitdirs)
        Self.expectNoSecrets([Self.secret], f, second)

        // A destination refusing the password: every repository fails there,
        // and neither password shows in what the failure wrote.
        let wrong = "http://pusher:\(Self.encoded(Self.wrongSecret))@127.0.0.1:\(server.port)/git/{gitdir}"
        f.writeConfig(extra: web + Self.section("bad", url: wrong))
        let third = try f.runPull()
        #expect(third.status == 1, "\(third.stderr)")
        let failures = Self.failureReport(third)
        #expect(failures.first == "\(gitdirs.count) repositories failed:", "\(third.stderr)")
        #expect(failures.dropFirst().map { String($0.split(separator: ":")[0].dropFirst(2)) } == gitdirs, "\(failures)")
        for (line, gitdir) in zip(failures.dropFirst(), gitdirs) {
            // After 3 failures in a row the destination is paused: the rest are skipped.
            #expect((line.hasPrefix("  \(gitdir): push to bad: failed after 1 tries: ") && line.contains("Authentication failed"))
                    || line == "  \(gitdir): push to bad: skipped, the destination keeps failing (paused)", "\(line)")
        }
        #expect(Self.pushed(third.stderr, to: "web").isEmpty, "\(third.stderr)")
        Self.expectNoSecrets([Self.secret, Self.wrongSecret], f, third)
        #expect(Self.pushState(f).split(separator: "\n").count == gitdirs.count, "\(Self.pushState(f))")
    }

    /// grok-push over the same transport: what is behind goes, a missing
    /// destination is reported by the repository's name (once), and the
    /// repository named on the command line is pushed once it exists.
    @Test func grokPushReportsAMissingHTTPDestinationByName() throws {
        let f = try PullFixture(repos: 3)
        #expect(try f.runPull().status == 0)
        let root = f.dir.file("web")
        let server = try PushHTTPServer(root: root, password: Self.secret)
        let gitdirs = f.originRepos.sorted()
        let missing = "/pub/project3/repo3.git"
        try Self.createDestinations(root, gitdirs.filter { $0 != missing })
        f.writeConfig(extra: Self.section("web", url: server.url("{gitdir}")))
        let push = Tools.ours("grok-push")

        let run = try runProcess(push, ["-c", f.config, "-v"])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("push: \(gitdirs.count) of \(gitdirs.count) repositories behind at a destination"), "\(run.stderr)")
        let report = Self.failureReport(run)
        #expect(report.first == "1 repositories failed:", "\(run.stderr)")
        #expect(report.count == 2 && report[1].hasPrefix("  \(missing): push to web: failed after 1 tries: ") && report[1].contains("not found"),
                "\(report)")
        try Self.expectPushed(f, to: root, gitdirs.filter { $0 != missing })
        Self.expectNoSecrets([Self.secret], f, run)

        try Self.createDestinations(root, [missing])
        let named = try runProcess(push, ["-c", f.config, "-v", f.mirror + missing])
        #expect(named.status == 0, "\(named.stderr)")
        #expect(Self.pushed(named.stderr, to: "web") == [missing], "\(named.stderr)")
        try Self.expectPushed(f, to: root, gitdirs)
        Self.expectNoSecrets([Self.secret], f, named)
    }

    /// git puts a remote's URL on the command line of `git remote-https`,
    /// readable by every user in the process list: before, the password of
    /// the destination URL was there for the whole push (GIT_TRACE shows
    /// every command line git starts).
    @Test func theURLsPasswordIsOnNoCommandLine() throws {
        let f = try PullFixture(repos: 2)
        let root = f.dir.file("web")
        let server = try PushHTTPServer(root: root, password: Self.secret)
        let gitdirs = f.originRepos.sorted()
        try Self.createDestinations(root, gitdirs)
        f.writeConfig(extra: Self.section("web", url: server.url("{gitdir}")))
        let trace = f.dir.file("git-trace.log")
        let run = try f.runPull(environment: ["GIT_TRACE": trace])
        #expect(run.status == 0, "\(run.stderr)")
        try Self.expectPushed(f, to: root, gitdirs)
        let commands = Self.read(trace).split(separator: "\n").filter { $0.contains("remote-http") }
        #expect(!commands.isEmpty, "\(Self.read(trace).suffix(2000))")
        for form in [Self.secret, Self.encoded(Self.secret)] {
            #expect(!Self.read(trace).contains(form), "\(commands)")
        }
        Self.expectNoSecrets([Self.secret], f, run)
    }

    @Test func smartHTTPWithCredentialsFromNetrc() throws {
        let f = try PullFixture(repos: 3)
        let root = f.dir.file("web")
        let server = try PushHTTPServer(root: root, password: Self.secret)
        let gitdirs = f.originRepos.sorted()
        try Self.createDestinations(root, gitdirs)
        let home = f.dir.file("home")
        try shell("""
            mkdir -p '\(home)'
            printf 'machine 127.0.0.1\\nlogin pusher\\npassword %s\\n' '\(Self.secret)' > '\(home)/.netrc'
            chmod 600 '\(home)/.netrc'
            """)
        f.writeConfig(extra: Self.section("web", url: server.url("{gitdir}", credentials: false)))
        let run = try f.runPull(environment: ["HOME": home])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(Self.pushed(run.stderr, to: "web") == gitdirs, "\(run.stderr)")
        try Self.expectPushed(f, to: root, gitdirs)
        #expect(server.accessLog.contains(" pusher ["), "\(server.accessLog)")
        Self.expectNoSecrets([Self.secret], f, run)
    }

    // MARK: - ssh

    @Test func sshWithTheDestinationsOwnCommand() throws {
        let f = try PullFixture(repos: 3)
        let server = try SSHServer()
        let root = f.dir.file("ssh-destination")
        let gitdirs = f.originRepos.sorted()
        try Self.createDestinations(root, gitdirs)
        f.writeConfig(extra: Self.section("ssh", url: server.url(root + "/{gitdir}"), "ssh_command = \(server.sshCommand)\n"))
        let run = try f.runPull()
        #expect(run.status == 0, "\(run.stderr)")
        #expect(Self.pushed(run.stderr, to: "ssh") == gitdirs, "\(run.stderr)")
        try Self.expectPushed(f, to: root, gitdirs)
        #expect(server.log.contains("Accepted publickey for \(server.user)"), "\(server.log)")
    }

    // MARK: - A destination down, then up

    @Test func aDestinationDownIsPushedWhenBackWithoutFetchingAgain() throws {
        let f = try PullFixture(repos: 4)
        let root = f.dir.file("web")
        let gitdirs = f.originRepos.sorted()
        try Self.createDestinations(root, gitdirs)
        let port = try OriginServer.freePort()
        f.writeConfig(extra: Self.section("web", url: "http://pusher:\(Self.encoded(Self.secret))@127.0.0.1:\(port)/git/{gitdir}"))
        let git = try Self.recordingGit(f)
        let environment = ["GITBIN": git.bin]

        // Nothing listens: every push fails, the mirror is updated anyway.
        let first = try f.runPull(environment: environment)
        #expect(first.status == 1, "\(first.stderr)")
        let report = Self.failureReport(first)
        #expect(report.first == "\(gitdirs.count) repositories failed:", "\(first.stderr)")
        #expect(report.dropFirst().map { String($0.split(separator: ":")[0].dropFirst(2)) } == gitdirs, "\(report)")
        #expect(zip(report.dropFirst(), gitdirs).allSatisfy {
            $0.hasPrefix("  \($1): push to web: failed after 1 tries: ") || $0 == "  \($1): push to web: skipped, the destination keeps failing (paused)"
        }, "\(report)")
        #expect(report.filter { $0.contains("failed after 1 tries") }.count >= 3, "a pause needs 3 failures first: \(report)")
        try f.expectMirrorEqualsOrigin()
        #expect(Set(try loadManifest(f.mirror + "/manifest.js.gz").gitdirs.map(\.path)) == Set(gitdirs))
        #expect(Self.takeCommands("fetch", from: git.log).count == gitdirs.count)
        Self.expectNoSecrets([Self.secret], f, first)
        try shell("rm '\(git.log)'")

        // Back on the same port: the pushes happen, the fetches do not.
        let server = try PushHTTPServer(root: root, password: Self.secret, port: port)
        let logged = Self.pullLog(f).utf8.count
        let second = try f.runPull(environment: environment)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("push: \(gitdirs.count) repositories behind at a push destination"), "\(second.stderr)")
        #expect(Self.takeCommands("fetch", from: git.log).isEmpty, "\(Self.read(git.log))")
        let secondLog = String(decoding: Self.pullLog(f).utf8.dropFirst(logged), as: UTF8.self)
        #expect(secondLog.contains(" -> web") && !secondLog.contains("fetch: /"), "\(secondLog)")
        let pushes = Self.takeCommands("push", from: git.log).filter { !$0.contains("--dry-run") }
        #expect(pushes.compactMap { $0.first { $0.hasPrefix("--git-dir=") } }.sorted() == gitdirs.map { "--git-dir=" + f.mirror + $0 },
                "\(Self.read(git.log))")
        try Self.expectPushed(f, to: root, gitdirs)
        #expect(server.accessLog.contains("git-receive-pack HTTP/1.1\" 200"))
        try shell("rm '\(git.log)'")

        // Everything is where it belongs: not one git push.
        let third = try f.runPull(environment: environment)
        #expect(third.status == 0, "\(third.stderr)")
        #expect(Self.takeCommands("push", from: git.log).isEmpty, "\(Self.read(git.log))")
        #expect(Self.takeCommands("fetch", from: git.log).isEmpty, "\(Self.read(git.log))")
    }

    // MARK: - Objstore

    /// Runs grok-fsck over the origin, which groups its forks (every fifth
    /// repository shares the seed history) into a forkgroup, and writes
    /// the origin manifest again so grok-pull sees the forkgroups.
    static func groupOriginForks(_ f: PullFixture) throws {
        try f.regenerateOriginManifest()
        f.dir.write("origin-fsck.conf", """
            [core]
            toplevel = \(f.origin)
            [fsck]
            statusfile = \(f.dir.path)/origin-status.js
            report_mailhost = 127.0.0.1:1
            """)
        let fsck = try runProcess(Tools.ours("grok-fsck"), ["-c", f.dir.file("origin-fsck.conf"), "-f"])
        guard fsck.status == 0 else { throw ShellError(script: "grok-fsck", status: fsck.status, stderr: fsck.stderr) }
        try f.regenerateOriginManifest()
    }

    static func expectCompleteAndStandalone(_ root: String, _ gitdirs: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        for gitdir in gitdirs {
            #expect(!FileSystem.exists(root + gitdir + "/objects/info/alternates"), "\(gitdir)", sourceLocation: sourceLocation)
            let fsck = try runProcess("/usr/bin/git", ["--git-dir=\(root + gitdir)", "fsck", "--connectivity-only", "--no-progress", "--no-dangling"])
            #expect(fsck.status == 0, "\(gitdir): \(fsck.stderr)", sourceLocation: sourceLocation)
        }
    }

    @Test func forksInAnObjstoreArriveAsCompleteStandaloneRepositories() throws {
        let f = try PullFixture(repos: 10)
        try Self.groupOriginForks(f)
        let forks = ["/pub/project2/repo10.git", "/pub/project5/repo5.git"]
        let root = f.dir.file("destination")
        f.writeConfig(extra: Self.section("local", url: "file://\(root)/{gitdir}"))
        let gitdirs = f.originRepos.sorted()
        let run = try f.runPull()
        #expect(run.status == 0, "\(run.stderr)")
        for fork in forks {
            let lender = Alternates.borrowedRepository(of: f.mirror + fork)
            #expect(lender.map { PathUtilities.isInside($0, root: f.mirror + "/objstore") } == true, "\(fork) borrows from \(lender ?? "nothing")")
            // Every object it has is borrowed: a push sends what the objstore holds.
            let own = try shell("git --git-dir='\(f.mirror + fork)' count-objects -v | grep -E '^(count|in-pack):'")
            #expect(own == "count: 0\nin-pack: 0\n", "\(fork): \(own)")
        }
        try Self.expectPushed(f, to: root, gitdirs)
        try Self.expectCompleteAndStandalone(root, gitdirs)

        // New history on a fork, fetched with the objstore holding the
        // rest (the clones' copies were repacked away): still complete.
        try shell("""
            repo='\(f.origin)/pub/project5/repo5.git'
            tree=$(git --git-dir="$repo" rev-parse 'master^{tree}')
            commit=$(echo more | git --git-dir="$repo" commit-tree -p master "$tree")
            git --git-dir="$repo" update-ref refs/heads/master "$commit"
            git --git-dir="$repo" tag v2 "$commit"
            """)
        try f.regenerateOriginManifest()
        let again = try f.runPull()
        #expect(again.status == 0, "\(again.stderr)")
        #expect(Self.pushed(again.stderr, to: "local") == ["/pub/project5/repo5.git"], "\(again.stderr)")
        #expect(Self.refNames(try Self.headsAndTags(root + "/pub/project5/repo5.git")) == Self.originRefNames + ["refs/tags/v2"])
        #expect(try Self.headsAndTags(root + "/pub/project5/repo5.git") == Self.headsAndTags(f.mirror + "/pub/project5/repo5.git"))
        try Self.expectCompleteAndStandalone(root, forks)
    }

    // MARK: - Purge

    @Test func aPurgedRepositoryStaysAtItsDestination() throws {
        let f = try PullFixture(repos: 4)
        let root = f.dir.file("destination")
        f.writeConfig(extra: "purgeprotect = 50\n" + Self.section("local", url: "file://\(root)/{gitdir}"))
        let gitdirs = f.originRepos.sorted()
        #expect(try f.runPull().status == 0)
        try Self.expectPushed(f, to: root, gitdirs)
        let gone = "/pub/project3/repo3.git"
        let pushedRefs = try Self.headsAndTags(root + gone)

        try shell("rm -rf '\(f.origin + gone)'")
        try f.regenerateOriginManifest()
        let purge = try f.runPull(["-p"])
        #expect(purge.status == 0, "\(purge.stderr)")
        #expect(!FileSystem.exists(f.mirror + gone))
        #expect(try Self.headsAndTags(root + gone) == pushedRefs)
        #expect(Self.refNames(pushedRefs) == Self.originRefNames)
        try Self.expectPushed(f, to: root, gitdirs.filter { $0 != gone })
        let notice = "purge: 1 purged repositories are not deleted at push destinations (local)"
        #expect(Self.pullLog(f).components(separatedBy: notice).count == 2, "\(Self.pullLog(f))")
        #expect(Self.pushState(f).contains("{\"d\": \"local\", \"g\": \"\(gone)\", \"forget\": true}"), "\(Self.pushState(f))")

        // Nothing more to purge or push: no second notice, no push.
        let again = try f.runPull(["-p"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(Self.pullLog(f).components(separatedBy: notice).count == 2)
        #expect(Self.pushed(again.stderr, to: "local").isEmpty, "\(again.stderr)")
        #expect(try Self.headsAndTags(root + gone) == pushedRefs)
    }
}
