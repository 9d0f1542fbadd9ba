import Foundation
import Testing
import TestSupport
import GrokKit

/// Public-inbox epochs built with plain git (one commit per message, the
/// message in blob `m`; a removal is a commit with `d` instead), a pipe
/// that appends each message and a separator to a file, and a config.
final class PiPiperFixture {
    let dir = TemporaryDirectory()
    let ours = Tools.ours("grok-pi-piper")
    var out: String { dir.file("out.txt") }
    var config: String { dir.file("pi-piper.conf") }
    var pipe: String { dir.file("pipe.sh") }

    init() throws {
        // Fails (exit 3, a line on stderr) on the message whose number is in fail-on.
        dir.write("pipe.sh", """
            #!/bin/sh
            msg=$(cat)
            if [ -e '\(dir.path)/fail-on' ] && printf '%s\\n' "$msg" | grep -qx "Subject: message $(cat '\(dir.path)/fail-on')"; then
                echo "refusing this one" >&2; exit 3
            fi
            printf '%s\\n=====\\n' "$msg" >> "${PIPE_OUT:-\(dir.path)/out.txt}"
            """)
        chmod(pipe, 0o755)
    }

    func epoch(_ list: String, _ number: Int = 0) -> String { dir.file("\(list)/git/\(number).git") }

    /// Appends messages `from...to` to `repo`'s master (creating it), one
    /// commit each; the numbers in `removing` become removal commits.
    func addMessages(_ repo: String, _ from: Int, _ to: Int, removing: Set<Int> = [], stamp: Int = 1_600_000_000) throws {
        var hasMaster = false
        if FileManager.default.fileExists(atPath: repo) {
            hasMaster = !(try shell("git --git-dir='\(repo)' rev-parse -q --verify refs/heads/master || true")).isEmpty
        }
        var stream = ""
        for number in from...to {
            stream += "commit refs/heads/master\ncommitter T <t@example.org> \(stamp + number) +0000\ndata <<EOT\nmessage \(number)\nEOT\n"
            if number == from && hasMaster { stream += "from refs/heads/master^0\n" }
            if removing.contains(number) {
                stream += "D m\nM 644 inline d\ndata <<EOT\nSubject: message \(number - 1)\nEOT\n"
            } else {
                stream += "D d\nM 644 inline m\ndata <<EOT\nFrom: list@example.org\nSubject: message \(number)\nMessage-Id: <\(number)@example.org>\n\nbody \(number)\nEOT\n"
            }
        }
        dir.write("stream", stream)
        try shell("[ -d '\(repo)' ] || git init -q --bare '\(repo)'; git --git-dir='\(repo)' fast-import --quiet < '\(dir.file("stream"))'")
    }

    func writeConfig(_ text: String) { dir.write("pi-piper.conf", text) }

    @discardableResult
    func run(_ repo: String, _ extra: [String] = [], tool: String? = nil, config: String? = nil, timeout: Double = 60) throws -> ProcessOutcome {
        try runProcess(tool ?? ours, ["-c", config ?? self.config] + extra + [repo], timeout: timeout)
    }

    /// Subjects piped so far, in order.
    func piped(_ file: String? = nil) -> [String] {
        let text = (try? String(contentsOfFile: file ?? out, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { $0.hasPrefix("Subject: ") }.map { String($0.dropFirst(9)) }
    }

    func latest(_ repo: String) -> String? { try? String(contentsOfFile: repo + "/pi-piper.latest", encoding: .utf8) }

    func tip(_ repo: String) throws -> String {
        try shell("git --git-dir='\(repo)' rev-parse refs/heads/master").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func commit(_ repo: String, subject: String) throws -> String {
        try shell("git --git-dir='\(repo)' log --format=%H --grep='^\(subject)$' refs/heads/master").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func numbers(_ range: ClosedRange<Int>) -> [String] { range.map { "message \($0)" } }

    /// An epoch `lkml/git/0.git` with messages 1...`messages`, a config
    /// piping every list to the pipe (plus `extra` lines), and the first
    /// run done: tracking set up, nothing piped.
    static func tracking(_ messages: Int, extra: String = "") throws -> (PiPiperFixture, String) {
        let f = try PiPiperFixture()
        let repo = f.epoch("lkml")
        try f.addMessages(repo, 1, messages)
        f.writeConfig("[DEFAULT]\npipe = \(f.pipe)\n" + extra)
        let run = try f.run(repo)
        guard run.status == 0 else { throw ShellError(script: "grok-pi-piper", status: run.status, stderr: run.stderr) }
        return (f, repo)
    }
}

@Suite(.serialized) struct PiPiperTests {
    @Test func firstRunSetsUpTrackingWithoutPiping() throws {
        let f = try PiPiperFixture()
        let repo = f.epoch("lkml")
        try f.addMessages(repo, 1, 5)
        f.writeConfig("[DEFAULT]\npipe = \(f.pipe)\n")
        let run = try f.run(repo)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(f.latest(repo) == (try f.tip(repo)))
        #expect(!FileManager.default.fileExists(atPath: f.out))
        #expect(!FileManager.default.fileExists(atPath: repo + "/shallow"))
        // A dry run on a fresh repository records nothing.
        let fresh = f.epoch("other")
        try f.addMessages(fresh, 1, 2)
        #expect(try f.run(fresh, ["-d"]).status == 0)
        #expect(f.latest(fresh) == nil)
    }

    @Test func newMessagesArePipedInOrderExactlyOnce() throws {
        let (f, repo) = try PiPiperFixture.tracking(3)
        try f.addMessages(repo, 4, 8)
        let second = try f.run(repo, ["-v"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("Processing 5 commits"))
        #expect(f.piped() == PiPiperFixture.numbers(4...8))
        #expect(f.latest(repo) == (try f.tip(repo)))
        #expect(try f.run(repo).status == 0)
        #expect(f.piped() == PiPiperFixture.numbers(4...8))
        // A removal commit has no message: skipped, and the rest still piped.
        try f.addMessages(repo, 9, 11, removing: [10])
        #expect(try f.run(repo).status == 0)
        #expect(f.piped() == PiPiperFixture.numbers(4...9) + ["message 11"])
        // A dry run pipes and records nothing.
        try f.addMessages(repo, 12, 12)
        let before = f.latest(repo)
        #expect(try f.run(repo, ["-d"]).status == 0)
        #expect(f.latest(repo) == before)
        #expect(f.piped().count == 7)
        // -l pipes the last N again, whatever was recorded.
        let last = try f.run(repo, ["-l", "2"])
        #expect(last.status == 0, "\(last.stderr)")
        #expect(f.piped().suffix(2) == ["message 11", "message 12"])
        #expect(f.latest(repo) == (try f.tip(repo)))
    }

    @Test func failingPipeStopsThereAndResumesWithoutLossOrDuplicate() throws {
        let (f, repo) = try PiPiperFixture.tracking(2, extra: "shallow = yes\n")
        try f.addMessages(repo, 3, 7)
        f.dir.write("fail-on", "5")
        let failed = try f.run(repo)
        #expect(failed.status == 3)
        #expect(failed.stderr.contains("exited 3") && failed.stderr.contains("refusing this one"), "\(failed.stderr)")
        #expect(failed.stderr.split(separator: "\n").count == 1, "\(failed.stderr)")
        #expect(f.piped() == PiPiperFixture.numbers(3...4))
        #expect(f.latest(repo) == (try f.commit(repo, subject: "message 4")))
        // Not re-shallowed past the failure: message 5 is still there to pipe.
        #expect(try shell("cat '\(repo)/shallow'").hasPrefix(try f.commit(repo, subject: "message 2")))
        #expect(try f.run(repo).status == 3)
        #expect(f.piped() == PiPiperFixture.numbers(3...4))
        try FileManager.default.removeItem(atPath: f.dir.file("fail-on"))
        #expect(try f.run(repo).status == 0)
        #expect(f.piped() == PiPiperFixture.numbers(3...7))
        #expect(f.latest(repo) == (try f.tip(repo)))
    }

    @Test func rewrittenHistoryStartsOverWithoutPiping() throws {
        let (f, repo) = try PiPiperFixture.tracking(4)
        // Message 3 purged: master is rebuilt from message 2 on, the old
        // commits stay in the repository (grokmirror would pipe 4..6 again).
        let two = try f.commit(repo, subject: "message 2")
        try shell("git --git-dir='\(repo)' update-ref refs/heads/master \(two)")
        try f.addMessages(repo, 4, 6, stamp: 1_700_000_000)
        let run = try f.run(repo)
        #expect(run.status == 0)
        #expect(run.stderr.contains("history was rewritten"), "\(run.stderr)")
        #expect(f.piped().isEmpty)
        #expect(f.latest(repo) == (try f.tip(repo)))
        try f.addMessages(repo, 7, 7)
        #expect(try f.run(repo).status == 0)
        #expect(f.piped() == ["message 7"])
    }

    @Test func pipeNoneDisablesAList() throws {
        let f = try PiPiperFixture()
        let repo = f.epoch("lkml")
        try f.addMessages(repo, 1, 2)
        f.writeConfig("[DEFAULT]\npipe = \(f.pipe)\n[lkml]\npipe = None\nshallow = not-a-boolean\n")
        let run = try f.run(repo, ["-v"])
        #expect(run.status == 0 && run.stderr.isEmpty, "\(run.stderr)")
        #expect(f.latest(repo) == nil)
        #expect((try? FileManager.default.contentsOfDirectory(atPath: repo))?.contains { $0.contains("pi-piper") } == false)
    }

    /// grokmirror hangs reading the pipe from stdin when none is set, and
    /// only notices a pipe that is not executable at the first message.
    @Test(arguments: ["", "pipe = /nonexistent/procmail\n", "pipe = PIPE-NOEXEC\n", "pipe = no-such-command-in-path\n", "pipe = 'unbalanced\n"])
    func unusablePipeIsAnErrorThatRecordsNothing(line: String) throws {
        let (f, repo) = try PiPiperFixture.tracking(2)
        let recorded = f.latest(repo)
        try f.addMessages(repo, 3, 4)
        f.dir.write("noexec", "#!/bin/sh\ncat >> '\(f.out)'\n")
        f.writeConfig("[lkml]\n" + line.replacingOccurrences(of: "PIPE-NOEXEC", with: f.dir.file("noexec")))
        let started = Date()
        let run = try f.run(repo, timeout: 20)
        #expect(Date().timeIntervalSince(started) < 15)
        #expect(run.status == 1)
        #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
        #expect(run.stderr.contains(line.isEmpty ? "no pipe" : "Cannot execute pipe"), "\(run.stderr)")
        #expect(f.latest(repo) == recorded)
        #expect(f.piped().isEmpty)
        // Nor on a first run.
        let fresh = f.epoch("lkml", 1)
        try f.addMessages(fresh, 1, 2)
        #expect(try f.run(fresh).status == 1)
        #expect(f.latest(fresh) == nil)
    }

    @Test func brokenInputIsOneLineAndExitOne() throws {
        let f = try PiPiperFixture()
        f.writeConfig("[DEFAULT]\npipe = \(f.pipe)\n")
        let missingRepo = try f.run(f.epoch("none"))
        #expect(missingRepo.status == 1 && missingRepo.stderr.contains("is not a directory"), "\(missingRepo.stderr)")
        let repo = f.epoch("lkml")
        try f.addMessages(repo, 1, 2)
        f.dir.write("lkml/git/0.git/pi-piper.latest", "--all")
        let garbage = try f.run(repo)
        #expect(garbage.status == 1 && garbage.stderr.contains("does not hold a commit id"), "\(garbage.stderr)")
        #expect(f.latest(repo) == "--all")
        let noConfig = try f.run(repo, config: f.dir.file("missing.conf"))
        #expect(noConfig.status == 1 && noConfig.stderr.contains("does not exist"), "\(noConfig.stderr)")
        let empty = f.epoch("empty")
        try shell("git init -q --bare '\(empty)'")
        let noMaster = try f.run(empty)
        #expect(noMaster.status == 1 && noMaster.stderr.contains("no master branch"), "\(noMaster.stderr)")
        #expect(try f.run(repo, ["-l", "-3"]).status == 2)
    }

    @Test func shallowPrunesPipedMessages() throws {
        let (f, repo) = try PiPiperFixture.tracking(5, extra: "shallow = yes\n")
        #expect(try shell("cat '\(repo)/shallow'") == (try f.tip(repo)) + "\n")
        #expect(try shell("git --git-dir='\(repo)' rev-list --count refs/heads/master") == "1\n")
        try f.addMessages(repo, 6, 8)
        #expect(try f.run(repo).status == 0)
        #expect(f.piped() == PiPiperFixture.numbers(6...8))
        #expect(try shell("cat '\(repo)/shallow'") == (try f.tip(repo)) + "\n")
        #expect(try shell("git --git-dir='\(repo)' rev-list --count refs/heads/master") == "1\n")
        #expect(try shell("git --git-dir='\(repo)' fsck --no-dangling 2>&1; echo $?").hasSuffix("0\n"))
    }

    @Test func sectionsMatchListsByGlob() throws {
        let f = try PiPiperFixture()
        f.writeConfig("""
            [DEFAULT]
            pipe = \(f.pipe)
            [linux-*]
            pipe = /usr/bin/env PIPE_OUT=\(f.dir.file("linux.txt")) \(f.pipe)
            [linux-mm]
            pipe = None
            """)
        for list in ["lkml", "linux-fsdevel", "linux-mm"] {
            let repo = f.epoch(list)
            try f.addMessages(repo, 1, 1)
            #expect(try f.run(repo).status == 0)
            try f.addMessages(repo, 2, 2)
            #expect(try f.run(repo).status == 0)
        }
        #expect(f.piped() == ["message 2"])
        #expect(f.piped(f.dir.file("linux.txt")) == ["message 2"])
        #expect(f.latest(f.epoch("linux-mm")) == nil)
    }

    /// lore's documented setup: `post_update_hook = ~/.local/bin/grok-pi-piper -c ~/.config/pi-piper.conf`.
    @Test func pipesWhatGrokPullFetchesAsItsPostUpdateHook() throws {
        let f = try PiPiperFixture()
        let pull = try PullFixture(repos: 0)
        let originRepo = pull.origin + "/lkml/git/0.git"
        try f.addMessages(originRepo, 1, 3)
        try pull.regenerateOriginManifest()
        try shell("mkdir -p '\(f.dir.path)/.local/bin' '\(f.dir.path)/.config' && ln -s '\(f.ours)' '\(f.dir.path)/.local/bin/grok-pi-piper'")
        f.dir.write(".config/pi-piper.conf", "[DEFAULT]\npipe = \(f.pipe)\nshallow = yes\n")
        pull.writeConfig(extra: "post_update_hook = ~/.local/bin/grok-pi-piper -c ~/.config/pi-piper.conf\ninclude = /lkml/*")
        let home = ["HOME": f.dir.path]
        for batch in [(4, 6), (7, 9)] {
            #expect(try pull.runPull(environment: home).status == 0)
            try f.addMessages(originRepo, batch.0, batch.1)
            try pull.regenerateOriginManifest()
        }
        let last = try pull.runPull(environment: home)
        #expect(last.status == 0, "\(last.stderr)")
        let mirrored = pull.mirror + "/lkml/git/0.git"
        #expect(f.latest(mirrored) == (try f.tip(mirrored)))
        // Set up when the clone's fetch ran the hook (the archive as first
        // mirrored is not piped); everything fetched after, piped once.
        #expect(f.piped() == PiPiperFixture.numbers(4...9))
        #expect(try shell("cat '\(mirrored)/shallow'") == (try f.tip(mirrored)) + "\n")
    }
}

/// grok-pi-piper against grokmirror 2.0.12's, each on its own identical
/// copy of an epoch, step by step: same exit codes, same messages piped,
/// same `pi-piper.latest` and `shallow`; and each taking over the other's
/// tracking.
@Suite(.serialized) struct PiPiperInteropTests {
    final class Pair {
        let f: PiPiperFixture
        let reference: String
        var oursRepo: String { f.dir.file("ours/lkml/git/0.git") }
        var theirsRepo: String { f.dir.file("theirs/lkml/git/0.git") }

        init() throws {
            f = try PiPiperFixture()
            reference = try Tools.reference("grok-pi-piper")
            for side in ["ours", "theirs"] {
                f.dir.write("\(side).conf", "[DEFAULT]\npipe = /usr/bin/env PIPE_OUT=\(f.dir.file(side + ".txt")) \(f.pipe)\nshallow = yes\n")
            }
        }

        func add(_ from: Int, _ to: Int, removing: Set<Int> = [], stamp: Int = 1_600_000_000) throws {
            try f.addMessages(oursRepo, from, to, removing: removing, stamp: stamp)
            try f.addMessages(theirsRepo, from, to, removing: removing, stamp: stamp)
        }

        /// Runs both; expects the same outcome. Returns the exit code.
        @discardableResult
        func runBoth(_ extra: [String] = [], _ note: Comment) throws -> Int32 {
            let ours = try f.run(oursRepo, extra, config: f.dir.file("ours.conf"))
            let theirs = try f.run(theirsRepo, extra, tool: reference, config: f.dir.file("theirs.conf"))
            #expect(ours.status == theirs.status, "\(note): ours \(ours.stderr) theirs \(theirs.stderr)")
            let oursOut = try? Data(contentsOf: URL(fileURLWithPath: f.dir.file("ours.txt")))
            let theirsOut = try? Data(contentsOf: URL(fileURLWithPath: f.dir.file("theirs.txt")))
            #expect(oursOut == theirsOut, note)
            #expect(f.latest(oursRepo) != nil && f.latest(oursRepo) == f.latest(theirsRepo), note)
            #expect(try shell("cat '\(oursRepo)/shallow'") == (try shell("cat '\(theirsRepo)/shallow'")), note)
            return ours.status
        }
    }

    @Test func sameOutcomeAsTheReferenceStepByStep() throws {
        let p = try Pair()
        try p.add(1, 3)
        #expect(try p.runBoth([], "first run") == 0)
        #expect(p.f.piped(p.f.dir.file("ours.txt")).isEmpty)
        try p.add(4, 8, removing: [6])
        #expect(try p.runBoth([], "new messages, one removed") == 0)
        #expect(p.f.piped(p.f.dir.file("ours.txt")) == ["message 4", "message 5", "message 7", "message 8"])
        p.f.dir.write("fail-on", "10")
        try p.add(9, 11)
        #expect(try p.runBoth([], "failing pipe") == 3)
        try FileManager.default.removeItem(atPath: p.f.dir.file("fail-on"))
        #expect(try p.runBoth([], "resumed") == 0)
        try p.add(12, 13, removing: [13])
        #expect(try p.runBoth([], "removal last") == 0)
        #expect(try p.runBoth(["-l", "2"], "pipe last 2") == 0)
        #expect(p.f.piped(p.f.dir.file("ours.txt")) == PiPiperFixture.numbers(4...12).filter { $0 != "message 6" } + ["message 12"])
    }

    @Test func sameStartOverAsTheReferenceWhenTheRecordedCommitIsGone() throws {
        let p = try Pair()
        try p.add(1, 3)
        try p.runBoth([], "first run")
        let recorded = p.f.latest(p.oursRepo) ?? ""
        for repo in [p.oursRepo, p.theirsRepo] {
            try shell("rm -rf '\(repo)'")
            try p.f.addMessages(repo, 1, 5, stamp: 1_700_000_000)
            p.f.dir.write(String(repo.dropFirst(p.f.dir.path.count + 1)) + "/pi-piper.latest", recorded)
        }
        #expect(try p.runBoth([], "rewritten") == 0)
        #expect(p.f.latest(p.oursRepo) == (try p.f.tip(p.oursRepo)))
        #expect(p.f.piped(p.f.dir.file("ours.txt")).isEmpty)
    }

    @Test func eachTakesOverTheOthersTracking() throws {
        let f = try PiPiperFixture()
        let reference = try Tools.reference("grok-pi-piper")
        let repo = f.epoch("lkml")
        f.writeConfig("[DEFAULT]\npipe = \(f.pipe)\n")
        try f.addMessages(repo, 1, 2)
        #expect(try f.run(repo, tool: reference).status == 0)
        try f.addMessages(repo, 3, 4)
        #expect(try f.run(repo).status == 0)
        try f.addMessages(repo, 5, 6)
        #expect(try f.run(repo, tool: reference).status == 0)
        try f.addMessages(repo, 7, 7)
        #expect(try f.run(repo).status == 0)
        #expect(f.piped() == PiPiperFixture.numbers(3...7))
    }
}
