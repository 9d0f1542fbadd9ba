import Testing
@testable import GrokKit

/// grok-pi-indexer's decisions without disk or public-inbox: which paths
/// are inboxes, what the origin's snippet says, which inboxes are
/// initialized or indexed, and the exact public-inbox command lines.
@Suite struct PiIndexerDecisionTests {
    let top = "/srv/mirror"

    func inbox(_ relative: String, pi: String? = nil) -> InboxLocation {
        InboxLocation(gitInboxdir: top + "/" + relative, piInboxdir: (pi ?? top) + "/" + relative)
    }

    @Test func epochPathsNameTheirInboxAndNothingElseDoes() {
        #expect(InboxPaths.inboxdir(ofEpoch: "/srv/mirror/lists/lkml/git/0.git") == "/srv/mirror/lists/lkml")
        #expect(InboxPaths.inboxdir(ofEpoch: "/srv/mirror/lists/lkml/git/12.git/") == "/srv/mirror/lists/lkml")
        // grokmirror's unanchored pattern took these for epochs too.
        #expect(InboxPaths.inboxdir(ofEpoch: "/srv/mirror/lists/lkml/git/0.git/objects") == nil)
        #expect(InboxPaths.inboxdir(ofEpoch: "/srv/mirror/lists/lkml/git/0.gitx") == nil)
        for path in ["/srv/mirror/pub/scm/git.git", "/srv/mirror/git/.git", "/srv/mirror/x/git/a1.git", "/git/0.git", "git/0.git"] {
            #expect(InboxPaths.inboxdir(ofEpoch: path) == nil, "\(path)")
        }
    }

    @Test func pathsOutsideTheToplevelAreRefusedOthersIgnoredOrLocated() {
        let paths = [
            ("/srv/mirror/lists/a/git/1.git", "/srv/mirror/lists/a/git/1.git"),
            ("/srv/mirror/lists/a/git/0.git", "/srv/mirror/lists/a/git/0.git"),
            ("/srv/mirror/pub/linux.git", "/srv/mirror/pub/linux.git"),
            ("/srv/mirror/evil/git/0.git", "/etc/x/git/0.git"),  // a symlink out
            ("/srv/mirror2/b/git/0.git", "/srv/mirror2/b/git/0.git"),  // a sibling with a common prefix
            ("/srv/mirror/lists/../../etc/git/0.git", "/srv/etc/git/0.git"),
        ].map { InboxSelection.Path(given: $0.0, resolved: $0.1) }
        let selection = InboxSelection.select(paths, toplevel: top, piToplevel: nil)
        #expect(selection.inboxes == [inbox("lists/a")])
        #expect(selection.ignored == ["/srv/mirror/pub/linux.git"])
        #expect(selection.refused == ["/srv/mirror/evil/git/0.git", "/srv/mirror2/b/git/0.git", "/srv/mirror/lists/../../etc/git/0.git"])
    }

    @Test func aSeparatePublicInboxToplevelMirrorsTheRelativePath() {
        let decision = InboxPaths.locate("/srv/mirror/lists/a/git/0.git", toplevel: top, piToplevel: "/srv/pi")
        #expect(decision == .inbox(inbox("lists/a", pi: "/srv/pi")))
        guard case .inbox(let location) = decision else { return }
        #expect(location.isSeparate && location.name == "a")
        #expect(location.msgmap == "/srv/pi/lists/a/msgmap.sqlite3")
        #expect(location.xapianDirectory == "/srv/pi/lists/a/xap15")
        // `init INBOXDIR` takes the directory itself; hooks never do.
        #expect(InboxPaths.locate("/srv/mirror/lists/a", toplevel: top, piToplevel: nil, acceptInboxdir: true) == .inbox(inbox("lists/a")))
        #expect(InboxPaths.locate("/srv/mirror/lists/a", toplevel: top, piToplevel: nil) == .notAnInbox)
        #expect(InboxPaths.locate("/srv/other/a", toplevel: top, piToplevel: nil, acceptInboxdir: true) == .outsideToplevel)
    }

    @Test func hookInputIsOnePathPerLine() {
        #expect(InboxSelection.lines(Array("/a/git/0.git\n\n/b/git/1.git\n".utf8)) == ["/a/git/0.git", "/b/git/1.git"])
        #expect(InboxSelection.lines([]) == [])
    }

    @Test func initInitializesNewInboxesThenIndexesAllUpdateOnlyInitializedOnes() {
        let new = inbox("lists/new"), old = inbox("lists/old")
        let initialized: Set<String> = [old.piInboxdir]
        let initPlan = PiIndexerPlan.make([new, old], initialized: initialized, mode: .initialize)
        #expect(initPlan.toInitialize == [new])
        #expect(initPlan.toIndex == [new, old])
        #expect(initPlan.notInitialized.isEmpty)
        let updatePlan = PiIndexerPlan.make([new, old], initialized: initialized, mode: .update)
        #expect(updatePlan.toInitialize.isEmpty)
        #expect(updatePlan.toIndex == [old])
        #expect(updatePlan.notInitialized == [new])
    }

    /// What public-inbox-httpd 1.9 serves at `<inbox>/_/text/config/raw`,
    /// with a `[coderepo]` section grokmirror choked on.
    let httpdSnippet = """
        ; Example public-inbox config snippet for a mirror of
        ; https://lore.example.org/test/
        [publicinbox "test"]
        \tinboxdir = /path/to/top-level-inbox
        \t; note: public-inbox before v1.2.0 used `mainrepo' instead of
        \tmainrepo = /path/to/top-level-inbox
        \turl = https://example.com/test/
        \taddress = test@example.com
        \taddress = "test-alias@example.com"
        \tlistId = test.example.com
        \tnewsgroup = com.example.test
        \treplyto = :list
        \tobfuscate = true
        \tcoderepo = linux.git
        [coderepo "linux.git"]
        \tdir = /path/to/linux.git
        \t; git clone https://example.com/linux.git /path/to/linux.git
        \tcgiturl = https://example.com/linux.git
        """

    @Test func originSnippetsAreReadByInboxSection() throws {
        let config = try OriginsConfig.parse(httpdSnippet)
        #expect(config.addresses == ["test@example.com", "test-alias@example.com"])
        #expect(config.listids == ["test.example.com"])
        #expect(config.newsgroup == "com.example.test")
        #expect(config.description == nil)
        #expect(config.options.map(\.key) == ["inboxdir", "mainrepo", "url", "replyto", "obfuscate", "coderepo"])
        #expect(throws: OriginsConfig.InvalidLine(line: "this is not config")) {
            try OriginsConfig.parse("[publicinbox \"x\"]\n\taddress = a@b\n\tthis is not config\n")
        }
        #expect(throws: OriginsConfig.InvalidLine(line: "= value")) { try OriginsConfig.parse("= value") }
        // Lines before any section count (lore's refs/meta/origins:i may have none).
        #expect(try OriginsConfig.parse("description = Linux kernel list\naddress = lkml@example.org").description == "Linux kernel list")
    }

    @Test func initCommandLineFromTheOriginsSnippet() throws {
        var initOptions = PiInitOptions()
        initOptions.localToplevel = "https://mirror.example.net/"
        initOptions.listidPriority = "*.example.com,*.example.org"
        var options = PiIndexerOptions(piConfig: "/etc/pi.config", toplevel: top)
        options.indexLevel = "medium"
        let plan = InboxInitPlan.make(inbox: inbox("lists/test"), origins: try OriginsConfig.parse(httpdSnippet), options: options, initOptions: initOptions)
        #expect(plan.invocation.tool == "public-inbox-init")
        #expect(plan.invocation.arguments == [
            "-V2", "-L", "medium", "--ng=com.example.test",
            "-c", "listid=test.example.com", "-c", "replyto=:list", "-c", "boost=11",
            "--", "test", "/srv/mirror/lists/test", "https://mirror.example.net/test", "test@example.com", "test-alias@example.com",
        ])
        #expect(plan.description == "test.example.com archive mirror")
    }

    @Test func withoutOriginInfoTheInboxGetsDefaults() {
        var initOptions = PiInitOptions()
        initOptions.listidPriority = ""
        let plan = InboxInitPlan.make(inbox: inbox("lists/quiet"), origins: nil, options: PiIndexerOptions(piConfig: "c", toplevel: top), initOptions: initOptions)
        #expect(plan.invocation.arguments == ["-V2", "-L", "full", "--", "quiet", "/srv/mirror/lists/quiet", "quiet", "quiet@localhost"])
        #expect(plan.description == "quiet archive mirror")
        initOptions.localToplevel = "/"
        let rooted = InboxInitPlan.make(inbox: inbox("lists/quiet"), origins: nil, options: PiIndexerOptions(piConfig: "c", toplevel: top), initOptions: initOptions)
        #expect(rooted.invocation.arguments.suffix(2) == ["/quiet", "quiet@localhost"])
    }

    @Test func anOriginCannotSetReservedKeysOrSmuggleOptions() throws {
        var initOptions = PiInitOptions()
        initOptions.extraConfigOptions = "inboxdir,url,boost,Indexheader,bad-key,filter"
        let config = try OriginsConfig.parse("""
            address = -C/etc
            description = A list
            inboxdir = /etc
            url = http://evil/
            boost = 99
            indexheader = List-Id
            filter = PublicInbox::Filter::Mirror
            """)
        let plan = InboxInitPlan.make(inbox: inbox("a"), origins: config, options: PiIndexerOptions(piConfig: "c", toplevel: top), initOptions: initOptions)
        #expect(plan.invocation.arguments == [
            "-V2", "-L", "full", "-c", "indexheader=List-Id", "-c", "filter=PublicInbox::Filter::Mirror",
            "--", "a", "/srv/mirror/a", "a", "-C/etc",
        ])
        #expect(plan.description == "A list")
    }

    @Test func boostsFollowTheListIdPriority() {
        let patterns = ListIdBoost.patterns(" *.linux.dev, *.kernel.org ,")
        #expect(patterns.map(\.pattern) == ["*.linux.dev", "*.kernel.org"])
        #expect(ListIdBoost.boost(for: ["linux-mm.kvack.org"], patterns: patterns) == 1)
        #expect(ListIdBoost.boost(for: ["linux-kernel.vger.kernel.org"], patterns: patterns) == 10)
        #expect(ListIdBoost.boost(for: ["regressions.lists.linux.dev"], patterns: patterns) == 11)
        #expect(ListIdBoost.boost(for: ["a.kernel.org", "b.linux.dev"], patterns: patterns) == 11)
        // A List-Id matching two patterns gets the first one's (grokmirror gave the last one's).
        #expect(ListIdBoost.boost(for: ["x.kernel.org"], patterns: ListIdBoost.patterns("x.*,*.kernel.org")) == 11)
        #expect(ListIdBoost.boost(for: ["x.kernel.org"], patterns: []) == nil)
        #expect(ListIdBoost.boost(for: [], patterns: patterns) == nil)
    }

    @Test func indexAndExtindexCommandLines() {
        var options = PiIndexerOptions(piConfig: "c", toplevel: top)
        #expect(PublicInboxInvocation.index(inbox("l/a", pi: "/pi"), options: options).arguments == ["--no-update-extindex", "--", "/pi/l/a"])
        options.jobs = 4
        options.noFsync = true
        options.indexLevel = "medium"
        let index = PublicInboxInvocation.index(inbox("l/a"), options: options)
        #expect(index == PublicInboxInvocation(tool: "public-inbox-index", arguments: ["--no-update-extindex", "--jobs", "4", "--no-fsync", "--", "/srv/mirror/l/a"],
                                               inboxdir: "/srv/mirror/l/a"))
        #expect(PublicInboxInvocation.extindex(options: options)
                == PublicInboxInvocation(tool: "public-inbox-extindex", arguments: ["-L", "medium", "--all", "--jobs", "4", "--no-fsync"], inboxdir: nil))
    }

    @Test func originConfigURL() {
        #expect(OriginsSource.configURL(originHostname: "https://lore.kernel.org/", name: "lkml") == "https://lore.kernel.org/lkml/_/text/config/raw")
        #expect(OriginsSource.configURL(originHostname: "http://127.0.0.1:8080//", name: "a b%") == "http://127.0.0.1:8080/a%20b%25/_/text/config/raw")
        #expect(OriginsSource.configURL(originHostname: "", name: "lkml") == nil)
    }

    @Test func usageProblemsAreRefusedBeforeAnythingRuns() {
        var options = PiIndexerOptions(piConfig: "c", toplevel: top)
        #expect(PiIndexerCommand.usageProblem(options, .extindex) == nil)
        var force = PiInitOptions()
        force.forceReinit = true
        #expect(PiIndexerCommand.usageProblem(options, .initialize(force)) != nil)
        force.inboxdir = "/srv/mirror/a"
        #expect(PiIndexerCommand.usageProblem(options, .initialize(force)) == nil)
        #expect(PiIndexerCommand.usageProblem(options, .update([])) != nil)
        options.indexLevel = "huge"
        #expect(PiIndexerCommand.usageProblem(options, .extindex) != nil)
        options.indexLevel = "basic"
        options.jobs = -1
        #expect(PiIndexerCommand.usageProblem(options, .extindex) != nil)
    }
}
