import Foundation
import Testing
import TestSupport
import GrokKit

/// A public-inbox-httpd on 127.0.0.1 serving the inboxes (and extindex)
/// of one PI_CONFIG, stopped on deinit.
final class PublicInboxHTTPD {
    let port: Int
    private var child: Spawn.Child?

    init(config: String) throws {
        guard let httpd = CommandRunner.lookUp("public-inbox-httpd") else {
            throw OriginServer.StartFailure(description: "public-inbox-httpd is not installed (apt-get install public-inbox)")
        }
        port = try OriginServer.freePort()
        let started = try Spawn.start([httpd, "-W0", "-l", "http://127.0.0.1:\(port)"], environment: ["PI_CONFIG": config])
        child = started
        guard waitUntil(timeout: 30, { OriginServer.accepts(port: port) }) else {
            stop()
            throw OriginServer.StartFailure(description: "public-inbox-httpd did not start")
        }
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// The page at `path`, which must be served with status 200.
    func page(_ path: String) async throws -> String {
        let response = try await HTTPClient().get(baseURL + path)
        #expect(response.status == 200, "\(path)")
        return String(decoding: response.body, as: UTF8.self)
    }

    /// The HTML of a Xapian search of `inbox` (or `all`, the extindex).
    func search(_ inbox: String, _ query: String) async throws -> String {
        try await page("/\(inbox)/?q=\(query)")
    }

    func stop() {
        guard let child else { return }
        kill(-child.pid, SIGTERM)
        _ = Spawn.wait(child, timeout: 10)
        self.child = nil
    }

    deinit { stop() }
}

/// grok-pi-indexer end to end with Debian's public-inbox: an origin with a
/// v2 inbox of two epochs and one carrying `refs/meta/origins`, served by
/// nginx and public-inbox-httpd, mirrored by grok-pull whose hooks run
/// grok-pi-indexer; the mirror's inboxes are then searched through its own
/// public-inbox-httpd. Then the hostile and broken cases.
@Suite(.serialized) struct PiIndexerTests {
    let indexer = Tools.ours("grok-pi-indexer")

    /// Writes messages into the origin's inboxes: `deliver` through
    /// public-inbox-mda, `rotate` through public-inbox's own writer with a
    /// one-byte epoch size (as public-inbox's tests force a new epoch; the
    /// tools have no setting for it), after packing the current epoch, whose
    /// packed size is what public-inbox measures.
    static func originScript(_ dir: String) -> String {
        """
        export PI_CONFIG='\(dir)/origin-pi.config' PI_EMERGENCY='\(dir)/emergency' HOME='\(dir)/home'
        mkdir -p "$HOME"
        message() { printf 'From: Tester <tester@example.net>\\nTo: %s\\nSubject: %s\\nMessage-ID: <%s@example.net>\\nDate: Mon, 1 Jan 2024 00:00:00 +0000\\n\\n%s, the body\\n' "$1" "$2" "$3" "$2"; }
        deliver() { message "$@" | ORIGINAL_RECIPIENT="$1" public-inbox-mda --no-precheck; }
        rotate() {
            git --git-dir="$(git config -f "$PI_CONFIG" publicinbox.$1.inboxdir)/git/0.git" repack -adq
            message "$2" "$3" "$4" | perl -e '
                use PublicInbox::Config; use PublicInbox::V2Writable; use PublicInbox::Eml;
                my $ibx = PublicInbox::Config->new->lookup_name($ARGV[0]) or die "no inbox $ARGV[0]\\n";
                my $writer = PublicInbox::V2Writable->new($ibx);
                $writer->{rotate_bytes} = 1;
                $writer->add(PublicInbox::Eml->new(do { local $/; <STDIN> })) or die "not added\\n";
                $writer->done;' "$1"
        }

        """
    }

    func makeOrigin(_ fixture: PullFixture) throws {
        let origin = fixture.origin
        try shell(Self.originScript(fixture.dir.path) + """
            public-inbox-init -V2 -L full --ng=example.test -c listid=test.example.com test '\(origin)/lists/test' http://origin.example/test test@example.com
            public-inbox-init -V2 -L full meta '\(origin)/lists/meta' http://origin.example/meta meta@example.com
            git config -f "$PI_CONFIG" publicinboxmda.spamcheck none
            deliver test@example.com 'hello zebra' m1
            deliver test@example.com 'second giraffe' m2
            rotate test test@example.com 'third okapi' m3
            deliver meta@example.com 'meta capybara' m4
            test -d '\(origin)/lists/test/git/1.git'
            # What lore keeps in its epochs; it wins over the origin's httpd.
            meta='\(origin)/lists/meta/git/0.git'
            blob=$(printf '[publicinbox "meta"]\\n\\taddress = meta@example.org\\n\\tlistid = meta.example.org\\n\\tdescription = Meta from origins\\n' | git --git-dir="$meta" hash-object -w --stdin)
            tree=$(printf '100644 blob %s\\ti\\n' "$blob" | git --git-dir="$meta" mktree)
            git --git-dir="$meta" update-ref refs/meta/origins "$(git --git-dir="$meta" commit-tree -m origins "$tree")"
            """)
        try regenerateManifest(fixture)
    }

    /// The origin's manifest lists the epochs; each inbox's all.git is
    /// public-inbox's local view of them and is not mirrored.
    func regenerateManifest(_ fixture: PullFixture) throws {
        let run = try runProcess(fixture.manifestTool, ["-m", fixture.origin + "/manifest.js.gz", "-t", fixture.origin, "-i", "*/all.git"])
        #expect(run.status == 0, "\(run.stderr)")
        try fixture.touchOriginManifest()
    }

    func mirrorConfig(_ fixture: PullFixture, _ key: String) throws -> [String] {
        try shell("git config -f '\(fixture.dir.file("mirror-pi.config"))' --get-all '\(key)' || true").split(separator: "\n").map(String.init)
    }

    @Test func mirroredInboxesAreInitializedIndexedUpdatedAndSearchable() async throws {
        let fixture = try PullFixture(repos: 0)
        try makeOrigin(fixture)
        let originHTTPD = try PublicInboxHTTPD(config: fixture.dir.file("origin-pi.config"))
        let common = "\(indexer) -c \(fixture.dir.file("mirror-pi.config")) -t \(fixture.mirror) -p \(fixture.dir.file("pi")) -l \(fixture.dir.file("pi.log")) --no-fsync"
        fixture.writeConfig(extra: """
            post_clone_complete_hook = \(common) init --origin-hostname \(originHTTPD.baseURL)/ --listid-priority *.example.com
            post_update_hook = \(common) update
            """)

        let first = try fixture.runPull()
        #expect(first.status == 0, "\(first.stderr)")
        let log = (try? String(contentsOfFile: fixture.dir.file("pi.log"), encoding: .utf8)) ?? ""
        #expect(log.contains("pi-init  \(fixture.mirror)/lists/test") && log.contains("pi-index \(fixture.mirror)/lists/meta"), "\(log)")
        #expect(!log.contains("CRITICAL"), "\(log)")
        // From the origin's public-inbox-httpd (test) and refs/meta/origins (meta).
        #expect(try mirrorConfig(fixture, "publicinbox.test.address") == ["test@example.com"])
        #expect(try mirrorConfig(fixture, "publicinbox.test.newsgroup") == ["example.test"])
        #expect(try mirrorConfig(fixture, "publicinbox.test.listid") == ["test.example.com"])
        #expect(try mirrorConfig(fixture, "publicinbox.test.boost") == ["10"])
        #expect(try mirrorConfig(fixture, "publicinbox.test.inboxdir") == [fixture.dir.file("pi/lists/test")])
        #expect(try mirrorConfig(fixture, "publicinbox.meta.address") == ["meta@example.org"])
        #expect(try mirrorConfig(fixture, "publicinbox.meta.boost") == ["1"])
        #expect(FileSystem.readString(fixture.dir.file("pi/lists/test/description")) == "test.example.com archive mirror")
        #expect(FileSystem.readString(fixture.dir.file("pi/lists/meta/description")) == "Meta from origins")
        #expect(PathUtilities.readLink(fixture.dir.file("pi/lists/test/git")) == fixture.mirror + "/lists/test/git")

        var mirrorHTTPD = try PublicInboxHTTPD(config: fixture.dir.file("mirror-pi.config"))
        #expect(try await mirrorHTTPD.search("test", "s:zebra").contains("hello zebra"))  // epoch 0
        #expect(try await mirrorHTTPD.search("test", "s:okapi").contains("third okapi"))  // epoch 1
        #expect(try await !mirrorHTTPD.search("test", "s:okapi").contains("hello zebra"))
        #expect(try await mirrorHTTPD.search("meta", "s:capybara").contains("meta capybara"))

        // A new message at the origin: grok-pull's post_update_hook indexes it.
        try shell(Self.originScript(fixture.dir.path) + "\ndeliver test@example.com 'fourth wombat' m5")
        try regenerateManifest(fixture)
        let second = try fixture.runPull()
        #expect(second.status == 0, "\(second.stderr)")
        let mirrored = try shell("git --git-dir='\(fixture.mirror)/lists/test/git/1.git' log --format=%s")
        let pullLog = (try? String(contentsOfFile: fixture.dir.file("pull.log"), encoding: .utf8)) ?? ""
        let piLog = String(((try? String(contentsOfFile: fixture.dir.file("pi.log"), encoding: .utf8)) ?? "").dropFirst(log.count))
        #expect(mirrored.contains("fourth wombat"), "\(mirrored)\n\(pullLog)\n\(piLog)")
        #expect(piLog.contains("pi-index \(fixture.mirror)/lists/test"), "\(piLog)")
        // A running public-inbox-httpd keeps its Xapian reader for a while: a fresh one.
        mirrorHTTPD.stop()
        mirrorHTTPD = try PublicInboxHTTPD(config: fixture.dir.file("mirror-pi.config"))
        #expect(try await mirrorHTTPD.search("test", "s:wombat").contains("fourth wombat"))

        // --force-reinit starts the inbox's databases over; the search still finds everything.
        mirrorHTTPD.stop()
        let reinit = try runProcess(indexer, ["-c", fixture.dir.file("mirror-pi.config"), "-t", fixture.mirror, "-p", fixture.dir.file("pi"), "--no-fsync",
                                              "init", "--origin-hostname", originHTTPD.baseURL, "--force-reinit", fixture.mirror + "/lists/test"])
        #expect(reinit.status == 0, "\(reinit.stderr)")
        mirrorHTTPD = try PublicInboxHTTPD(config: fixture.dir.file("mirror-pi.config"))
        #expect(try await mirrorHTTPD.search("test", "s:wombat").contains("fourth wombat"))
        #expect(try await mirrorHTTPD.search("test", "s:zebra").contains("hello zebra"))

        // With an external index configured, inbox searches go through it
        // (so update leaves it to extindex, run from cron, to bring it up to date).
        mirrorHTTPD.stop()
        try shell("mkdir -p '\(fixture.dir.file("pi/all"))' && git config -f '\(fixture.dir.file("mirror-pi.config"))' extindex.all.topdir '\(fixture.dir.file("pi/all"))'")
        let extindex = try runProcess(indexer, ["-c", fixture.dir.file("mirror-pi.config"), "-t", fixture.mirror, "--no-fsync", "extindex"])
        #expect(extindex.status == 0, "\(extindex.stderr)")
        mirrorHTTPD = try PublicInboxHTTPD(config: fixture.dir.file("mirror-pi.config"))
        #expect(try await mirrorHTTPD.search("all", "s:okapi").contains("third okapi"))
        #expect(try await mirrorHTTPD.search("all", "s:capybara").contains("meta capybara"))
        #expect(try await mirrorHTTPD.search("all", "s:wombat").contains("fourth wombat"))
    }

    /// A toplevel with one inbox whose msgmap is garbage, and a link out.
    func brokenMirror(_ dir: TemporaryDirectory) throws {
        try shell("""
            mkdir -p '\(dir.file("top/lists/a/git"))' '\(dir.file("outside/git"))'
            git init -q --bare '\(dir.file("top/lists/a/git/0.git"))'
            git init -q --bare '\(dir.file("outside/git/0.git"))'
            git init -q --bare '\(dir.file("top/lists/b/git/0.git"))'
            echo garbage > '\(dir.file("top/lists/a/msgmap.sqlite3"))'
            ln -s '\(dir.file("outside"))' '\(dir.file("top/escape"))'
            git config --file '\(dir.file("pi.config"))' publicinbox.a.inboxdir '\(dir.file("top/lists/a"))'
            """)
    }

    /// public-inbox-init leaves msgmap.sqlite3 behind when it fails; such an
    /// inbox (no entry in PI_CONFIG) is initialized again, not only indexed
    /// forever while public-inbox never serves it (grokmirror's judgement).
    @Test func anInboxWhoseInitFailedIsInitializedAgain() throws {
        let dir = TemporaryDirectory()
        try brokenMirror(dir)
        try shell("git config --file '\(dir.file("pi.config"))' --unset publicinbox.a.inboxdir")
        for tool in ["public-inbox-init", "public-inbox-index"] {
            dir.write("bin/" + tool, "#!/bin/sh\necho \(tool) \"$@\" >> '\(dir.file("calls"))'\n")
            try shell("chmod +x '\(dir.file("bin/" + tool))'")
        }
        let path = dir.file("bin") + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let update = try runProcess(indexer, ["-c", dir.file("pi.config"), "-t", dir.file("top"), "update", dir.file("top/lists/a/git/0.git")],
                                    environment: ["PATH": path])
        #expect(update.status == 0 && !FileSystem.exists(dir.file("calls")), "not initialized: nothing to index yet. \(update.stderr)")
        let initialize = try shell("""
            echo '\(dir.file("top/lists/a/git/0.git"))' | PATH='\(path)' '\(indexer)' -c '\(dir.file("pi.config"))' -t '\(dir.file("top"))' \
              init --origin-hostname '' 2>&1 && cat '\(dir.file("calls"))'
            """)
        #expect(initialize.contains("public-inbox-init -V2"), "\(initialize)")
        #expect(initialize.contains("public-inbox-index"), "\(initialize)")
    }

    @Test func pathsOutsideTheToplevelAreRefusedOneLineEach() throws {
        let dir = TemporaryDirectory()
        try brokenMirror(dir)
        let config = try String(contentsOfFile: dir.file("pi.config"), encoding: .utf8)
        let output = try shell("""
            printf '%s\\n' '\(dir.file("outside/git/0.git"))' '\(dir.file("top/escape/git/0.git"))' '\(dir.file("top/plain.git"))' \
              | '\(indexer)' -c '\(dir.file("pi.config"))' -t '\(dir.file("top"))' init --origin-hostname '' 2>&1 && echo rc=0 || echo rc=$?
            """)
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines == [
            "Refusing \(dir.file("outside/git/0.git")): outside toplevel \(dir.file("top"))",
            "Refusing \(dir.file("top/escape/git/0.git")): outside toplevel \(dir.file("top"))",
            "rc=1",
        ])
        #expect(try String(contentsOfFile: dir.file("pi.config"), encoding: .utf8) == config, "PI_CONFIG untouched")
        #expect(!FileSystem.exists(dir.file("outside/msgmap.sqlite3")))
    }

    @Test func aFailingPublicInboxToolNamesTheInboxAndFailsTheRun() throws {
        let dir = TemporaryDirectory()
        try brokenMirror(dir)
        let run = try runProcess(indexer, ["-c", dir.file("pi.config"), "-t", dir.file("top"), "update", dir.file("top/lists/a/git/0.git")])
        #expect(run.status == 1)
        #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
        #expect(run.stderr.hasPrefix("Unable to index \(dir.file("top/lists/a")): public-inbox-index exited"), "\(run.stderr)")
        // An epoch of an inbox not initialized yet (grok-pull's first clone) is not a failure.
        let fresh = try runProcess(indexer, ["-c", dir.file("pi.config"), "-t", dir.file("top"), "update", dir.file("top/lists/b/git/0.git")])
        #expect(fresh.status == 0, "\(fresh.stderr)")
    }

    @Test func aHungPublicInboxToolIsStoppedAtTheTimeout() throws {
        let dir = TemporaryDirectory()
        try brokenMirror(dir)
        dir.write("bin/public-inbox-index", "#!/bin/sh\nsleep 60\n")
        try shell("chmod +x '\(dir.file("bin/public-inbox-index"))'")
        let path = dir.file("bin") + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let started = Date()
        let run = try runProcess(indexer, ["-c", dir.file("pi.config"), "-t", dir.file("top"), "--timeout", "1", "update", dir.file("top/lists/a/git/0.git")],
                                 timeout: 30, environment: ["PATH": path])
        #expect(Date().timeIntervalSince(started) < 15)
        #expect(run.status == 1)
        #expect(run.stderr.contains(dir.file("top/lists/a")) && run.stderr.contains("did not finish within 1s"), "\(run.stderr)")
    }
}
