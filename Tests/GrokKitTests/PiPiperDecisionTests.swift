import Foundation
import Testing
import TestSupport
@testable import GrokKit

/// grok-pi-piper's decisions without git: what to do with a repository,
/// how a run's progress is recorded, which config section applies, what
/// the tracking file holds, and how `cat-file --batch` answers are read.
@Suite struct PiPiperDecisionTests {
    let a = String(repeating: "a", count: 40)
    let b = String(repeating: "b", count: 40)

    // MARK: Plan

    @Test func firstRunSetsUpAtTheTipWithoutPiping() {
        #expect(PiPiperDecision.plan(recorded: nil, tip: a, pipeLast: nil, ancestry: nil) == .setUp(tip: a))
        // -l does not pipe on a first run either: grokmirror sets up first.
        #expect(PiPiperDecision.plan(recorded: nil, tip: a, pipeLast: 5, ancestry: nil) == .setUp(tip: a))
        #expect(!PiPiperDecision.needsAncestry(recorded: nil, tip: a, pipeLast: nil))
    }

    @Test func recordedTipIsUpToDateWithoutAskingGit() {
        #expect(!PiPiperDecision.needsAncestry(recorded: a, tip: a, pipeLast: nil))
        #expect(PiPiperDecision.plan(recorded: a, tip: a, pipeLast: nil, ancestry: nil) == .upToDate)
    }

    @Test func ancestorIsPipedFrom() {
        #expect(PiPiperDecision.needsAncestry(recorded: a, tip: b, pipeLast: nil))
        #expect(PiPiperDecision.plan(recorded: a, tip: b, pipeLast: nil, ancestry: .ancestor) == .pipeSince(a))
    }

    @Test func rewrittenHistoryStartsOverAtTheTip() {
        #expect(PiPiperDecision.plan(recorded: a, tip: b, pipeLast: nil, ancestry: .missing) == .startOver(tip: b))
        // Still present but off master: grokmirror would pipe the rewritten commits again.
        #expect(PiPiperDecision.plan(recorded: a, tip: b, pipeLast: nil, ancestry: .notAncestor) == .startOver(tip: b))
    }

    @Test func pipeLastOverridesTrackingOnceSetUp() {
        #expect(!PiPiperDecision.needsAncestry(recorded: a, tip: b, pipeLast: 3))
        #expect(PiPiperDecision.plan(recorded: a, tip: b, pipeLast: 3, ancestry: nil) == .pipeLast(3))
        #expect(PiPiperDecision.plan(recorded: a, tip: a, pipeLast: 3, ancestry: nil) == .pipeLast(3))
        // -l 0 is no -l, as in grokmirror (0 is falsy there).
        #expect(PiPiperDecision.needsAncestry(recorded: a, tip: b, pipeLast: 0))
        #expect(PiPiperDecision.plan(recorded: a, tip: b, pipeLast: 0, ancestry: .ancestor) == .pipeSince(a))
    }

    // MARK: Progress

    /// `PipeProgress.record` outside `#expect`, which cannot call a mutating method.
    func record(_ progress: inout PipeProgress, _ commit: String, _ outcome: PipeProgress.Outcome) -> Bool {
        progress.record(commit, outcome)
    }

    @Test func progressMovesWithEachPipedMessageAndSkipsRemovals() {
        var progress = PipeProgress()
        #expect(record(&progress, "c1", .piped))
        #expect(record(&progress, "c2", .noMessage))
        #expect(progress.lastPiped == "c1")
        #expect(record(&progress, "c3", .piped))
        #expect(progress.lastPiped == "c3")
        #expect(progress.piped == 2 && progress.skipped == 1)
        #expect(progress.exitCode == 0)
        #expect(progress.reshallowAt(shallow: true) == "c3")
        #expect(progress.reshallowAt(shallow: false) == nil)
    }

    @Test func failureStopsThereKeepsTheLastGoodAndDoesNotReshallow() {
        var progress = PipeProgress()
        #expect(record(&progress, "c1", .piped))
        #expect(!record(&progress, "c2", .failed(exitCode: 75)))
        #expect(progress.lastPiped == "c1")
        #expect(progress.exitCode == 75)
        #expect(progress.reshallowAt(shallow: true) == nil)
        var odd = PipeProgress()
        #expect(!record(&odd, "c1", .failed(exitCode: 0)))
        #expect(odd.exitCode == 1)
        #expect(odd.lastPiped == nil)
    }

    @Test func onlyRemovalsRecordNothing() {
        var progress = PipeProgress()
        #expect(record(&progress, "c1", .noMessage))
        #expect(progress.lastPiped == nil)
        #expect(progress.reshallowAt(shallow: true) == nil)
    }

    // MARK: Config

    @Test func sectionIsTheLastWhoseGlobMatches() {
        let sections = ["alsa-devel", "linux-*", "linux-mm", "netdev"]
        #expect(PiPiperSettings.section(for: "/srv/lore/alsa-devel/git/0.git", among: sections) == "alsa-devel")
        #expect(PiPiperSettings.section(for: "/srv/lore/linux-fsdevel/git/12.git", among: sections) == "linux-*")
        #expect(PiPiperSettings.section(for: "/srv/lore/linux-mm/git/0.git/", among: sections) == "linux-mm")
        #expect(PiPiperSettings.section(for: "/srv/lore/netdev/git/0.git", among: sections) == "netdev")
        #expect(PiPiperSettings.section(for: "/srv/lore/git/git/0.git", among: sections) == "DEFAULT")
        // fnmatch's `*` crosses slashes: `l*` matches /srv/lore/..., every list.
        #expect(PiPiperSettings.section(for: "/srv/lore/netdev/git/0.git", among: ["netdev", "l*"]) == "l*")
        #expect(PiPiperSettings.section(for: "/srv/lore/netdev/git/0.git", among: ["l*", "netdev"]) == "netdev")
        // The section name must be a whole path component before /git/.
        #expect(PiPiperSettings.section(for: "/srv/lore/xlkml/git/0.git", among: ["lkml"]) == "DEFAULT")
        // Relative paths need a directory above the list, as in grokmirror.
        #expect(PiPiperSettings.section(for: "lkml/git/0.git", among: ["lkml"]) == "DEFAULT")
        #expect(PiPiperSettings.section(for: "./lkml/git/0.git", among: ["lkml"]) == "lkml")
    }

    func settings(_ text: String, repo: String = "/lore/lkml/git/0.git") throws -> PiPiperSettings {
        try PiPiperSettings(document: try IniDocument(parsing: text, path: "/etc/pi-piper.conf"), path: "/etc/pi-piper.conf", repo: repo)
    }

    @Test func loreConfigReadsAsDocumented() throws {
        let text = """
            [DEFAULT]
            pipe = /usr/bin/procmail
            shallow = yes
            log = ~/pi-piper.log
            [alsa-devel]
            pipe = /usr/bin/procmail /path/to/some/other/procmailrc
            loglevel = debug
            [lkml]
            pipe = None
            """
        let home = ProcessInfo.processInfo.environment["HOME"] ?? ""
        let other = try settings(text, repo: "/lore/netdev/git/0.git")
        #expect(other == PiPiperSettings(section: "DEFAULT", pipe: .command("/usr/bin/procmail"), log: home + "/pi-piper.log", debug: false, shallow: true))
        let alsa = try settings(text, repo: "/lore/alsa-devel/git/3.git")
        #expect(alsa.pipe == .command("/usr/bin/procmail /path/to/some/other/procmailrc"))
        #expect(alsa.debug && alsa.shallow)
        #expect(try settings(text).pipe == .disabled)
    }

    @Test func missingOrEmptyPipeIsUnsetAndValuesInterpolate() throws {
        #expect(try settings("[DEFAULT]\nshallow = no\n").pipe == .unset)
        #expect(try settings("[lkml]\npipe =\n").pipe == .unset)
        let interpolated = try settings("[DEFAULT]\nbin = /opt/bin\n[lkml]\npipe = ${bin}/deliver --list lkml\nloglevel = DEBUG\n")
        #expect(interpolated.pipe == .command("/opt/bin/deliver --list lkml"))
        // grokmirror compares loglevel to "debug" exactly.
        #expect(!interpolated.debug)
    }

    @Test func badShallowIsAnErrorButNotUnderPipeNone() throws {
        #expect(throws: ConfigError.badValue(path: "/etc/pi-piper.conf", section: "lkml", key: "shallow", value: "maybe",
                                             expected: "yes/no, true/false, on/off or 1/0")) {
            try settings("[lkml]\npipe = /bin/cat\nshallow = maybe\n")
        }
        #expect(try settings("[lkml]\npipe = None\nshallow = maybe\n").pipe == .disabled)
    }

    // MARK: Tracking file

    @Test func trackingFileHoldsOneCommitId() {
        #expect(TrackingFile.parse(Array(a.utf8)) == .commit(a))
        #expect(TrackingFile.parse(Array((a + "\n").utf8)) == .commit(a))
        let sha256 = String(repeating: "0123456789abcdef", count: 4)
        #expect(TrackingFile.parse(Array(sha256.utf8)) == .commit(sha256))
        #expect(TrackingFile.parse([]) == .unreadable("it is empty"))
        #expect(TrackingFile.parse(Array("--all".utf8)) == .unreadable("it does not hold a commit id"))
        #expect(TrackingFile.parse(Array(a.uppercased().utf8)) == .unreadable("it does not hold a commit id"))
        #expect(TrackingFile.parse(Array("\(a)\n\(b)".utf8)) == .unreadable("it does not hold a commit id"))
    }

    // MARK: Pipe command

    @Test func pipeCommandMustBeAnExecutableFile() throws {
        let dir = TemporaryDirectory()
        dir.write("plain", "#!/bin/sh\n")
        dir.write("tool", "#!/bin/sh\n")
        chmod(dir.file("tool"), 0o755)
        let pipe = try PipeCommand("'\(dir.file("tool"))' --to 'a b'")
        #expect(pipe.executable == dir.file("tool"))
        #expect(pipe.arguments == ["--to", "a b"])
        #expect(try PipeCommand("cat").executable.hasSuffix("/cat"))
        #expect(throws: PipeCommand.Failure(line: dir.file("plain"), reason: "not an executable file")) { try PipeCommand(dir.file("plain")) }
        #expect(throws: PipeCommand.Failure(line: dir.file("none"), reason: "no such file")) { try PipeCommand(dir.file("none")) }
        #expect(throws: PipeCommand.Failure(line: dir.path, reason: "not an executable file")) { try PipeCommand(dir.path) }
        #expect(throws: PipeCommand.Failure(line: "no-such-program-here", reason: "not found in PATH")) { try PipeCommand("no-such-program-here") }
        #expect(throws: PipeCommand.Failure(line: "'/bin/cat", reason: "unbalanced quotes")) { try PipeCommand("'/bin/cat") }
    }

    // MARK: cat-file --batch

    @Test func batchAnswersAreSplitByTheirSizes() throws {
        let output = Array("\(a) blob 3\nx\ny\n\(b):m missing\n\(b) tree 2\nzz\n\(a) blob 0\n\n".utf8)
        let answers = try BlobBatch.parse(output, count: 4)
        #expect(answers == [Array("x\ny".utf8), nil, nil, []])
    }

    @Test func truncatedOrExtraBatchOutputIsRefused() {
        #expect(throws: BlobBatch.Malformed.self) { try BlobBatch.parse(Array("\(a) blob 10\nshort\n".utf8), count: 1) }
        #expect(throws: BlobBatch.Malformed.self) { try BlobBatch.parse(Array("\(a) blob 1\nx\n".utf8), count: 2) }
        #expect(throws: BlobBatch.Malformed.self) { try BlobBatch.parse(Array("\(a) blob 1\nx\nmore".utf8), count: 1) }
        #expect(throws: BlobBatch.Malformed.self) { try BlobBatch.parse(Array("\(a) blob 1\nxy".utf8), count: 1) }
    }
}
