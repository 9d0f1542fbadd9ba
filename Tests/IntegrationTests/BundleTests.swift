import Foundation
import Testing
import TestSupport
import GrokKit

/// grok-bundle over a mirror made by grok-pull, with real git, side by side
/// with grokmirror 2.0.12's grok-bundle: bundles that verify and clone,
/// no git process for unchanged repositories, the size limit and globs,
/// empty -g/-r, interoperating outputs, kills mid-write, hostile gitdirs.
@Suite(.serialized) struct BundleTests {
    /// A mirror of `repos` origin repositories. With `forks`, the origin's
    /// forks (repositories 5 and 10) are grouped first, so grok-pull clones
    /// them against an objstore repository (alternates).
    static func mirror(repos: Int = 10, forks: Bool = false) throws -> PullFixture {
        let f = try PullFixture(repos: repos)
        if forks { try PushTransportTests.groupOriginForks(f) }
        let pull = try f.runPull()
        guard pull.status == 0 else { throw ShellError(script: "grok-pull", status: pull.status, stderr: pull.stderr) }
        return f
    }

    static func ours(_ config: String, _ out: String, _ extra: [String] = [], environment: [String: String] = [:]) throws -> ProcessOutcome {
        try runProcess(Tools.ours("grok-bundle"), ["-c", config, "-o", out, "-v"] + extra, environment: environment)
    }

    static func reference(_ config: String, _ out: String, _ extra: [String] = []) throws -> ProcessOutcome {
        try runProcess(try Tools.reference("grok-bundle"), ["-c", config, "-o", out, "-v"] + extra)
    }

    static func gitdirs(_ f: PullFixture) throws -> [String] {
        try loadManifest(f.mirror + "/manifest.js.gz").gitdirs.map(\.path).sorted()
    }

    static func bundle(_ out: String, _ gitdir: String) -> String { out + gitdir.dropLast(4) + "/clone.bundle" }

    /// Every file below `out`, relative, sorted.
    static func files(_ out: String) throws -> [String] {
        try shell("[ -d '\(out)' ] || exit 0; cd '\(out)' && find . -type f | sort").split(separator: "\n").map(String.init)
    }

    static func heads(_ bundle: String) throws -> String { try shell("git bundle list-heads '\(bundle)' | sort") }

    static func gitLog(_ f: PullFixture) -> (wrapper: String, log: String) {
        let log = f.dir.file("git.log")
        return (PushTests.countingGit(f, log: log), log)
    }

    /// A new branch in the origin's repo1, brought in by grok-pull (which
    /// records the new `grokmirror.fingerprint`, as grokmirror's does).
    static func advanceRepo1(_ f: PullFixture) throws {
        let origin = f.origin + PushTests.repo1
        try shell("git --git-dir='\(origin)' update-ref refs/heads/feature \"$(git --git-dir='\(origin)' commit-tree -m new 'master^{tree}')\"")
        try f.regenerateOriginManifest()
        let pull = try f.runPull()
        guard pull.status == 0 else { throw ShellError(script: "grok-pull", status: pull.status, stderr: pull.stderr) }
    }

    @Test func bundlesVerifyCloneCompleteAndAFetchFromTheMirrorGivesTheRepository() throws {
        let f = try Self.mirror(forks: true)
        let out = f.dir.file("bundles")
        let run = try Self.ours(f.config, out)
        #expect(run.status == 0, "\(run.stderr)")
        let gitdirs = try Self.gitdirs(f)
        #expect(gitdirs.count == 10)
        #expect(gitdirs.contains { FileSystem.exists(f.mirror + $0 + "/objects/info/alternates") }, "the mirror has objstore forks")
        try shell("git init -q --bare '\(f.dir.file("check.git"))'")
        for gitdir in gitdirs {
            let bundle = Self.bundle(out, gitdir)
            let clone = f.dir.file("clone.git")
            try shell("""
                git --git-dir='\(f.dir.file("check.git"))' bundle verify -q '\(bundle)'
                rm -rf '\(clone)'; git clone -q --bare '\(bundle)' '\(clone)'
                test ! -e '\(clone)/objects/info/alternates'
                git --git-dir='\(clone)' fsck --no-progress --connectivity-only
                git --git-dir='\(clone)' fetch -q --prune '\(f.mirror + gitdir)' '+refs/*:refs/*'
                """)
            #expect(try PushTests.refs(clone) == (try PushTests.refs(f.mirror + gitdir)), "\(gitdir)")
            #expect(try String(contentsOfFile: PathUtilities.dirname(bundle) + "/.fingerprint", encoding: .utf8)
                    == (try referenceFingerprint(f.mirror + gitdir)), "\(gitdir)")
        }
        #expect(try Self.files(out).count == 20, "a bundle and a .fingerprint each, nothing else")
    }

    @Test func unchangedRepositoriesCostNoGitProcessAndAChangedOneOneBundleCreate() throws {
        let f = try Self.mirror(repos: 6)
        let out = f.dir.file("bundles")
        #expect(try Self.ours(f.config, out).status == 0)
        let snapshot = try shell("cd '\(out)' && find . -printf '%p %T@ %s\\n' | sort")
        let (git, log) = Self.gitLog(f)
        let again = try Self.ours(f.config, out, environment: ["GITBIN": git])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!FileSystem.exists(log), "git ran: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        #expect(again.stderr.components(separatedBy: "(unchanged)").count - 1 == 6, "\(again.stderr)")
        #expect(try shell("cd '\(out)' && find . -printf '%p %T@ %s\\n' | sort") == snapshot, "nothing rewritten")
        try Self.advanceRepo1(f)
        let changed = try Self.ours(f.config, out, environment: ["GITBIN": git])
        #expect(changed.status == 0, "\(changed.stderr)")
        let commands = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(commands.count == 1 && commands[0].contains("bundle create"), "\(commands)")
        #expect(try Self.heads(Self.bundle(out, PushTests.repo1)).contains("refs/heads/feature"))
    }

    @Test func sizeLimitSkipsAndIncludeGlobsSelectAsTheReferenceDoesAndAlsoWithoutTheLeadingSlash() throws {
        let f = try Self.mirror(repos: 4)
        let tiny = try Self.ours(f.config, f.dir.file("tiny"), ["-s", "0"])
        #expect(tiny.status == 0, "\(tiny.stderr)")
        #expect(try Self.files(f.dir.file("tiny")).isEmpty)
        #expect(tiny.stderr.contains("  skipped: pub/project1/repo1.git (") && tiny.stderr.contains(" > 0 GiB)"), "\(tiny.stderr)")
        #expect(try Self.reference(f.config, f.dir.file("tiny-ref"), ["-s", "0"]).status == 0)
        #expect(try Self.files(f.dir.file("tiny-ref")).isEmpty, "the reference skips them too")

        let globs = ["-i", "/pub/project1/*", "pub/project2/*"]
        #expect(try Self.ours(f.config, f.dir.file("some"), globs).status == 0)
        #expect(try Self.files(f.dir.file("some")) == ["./pub/project1/repo1/.fingerprint", "./pub/project1/repo1/clone.bundle",
                                                       "./pub/project2/repo2/.fingerprint", "./pub/project2/repo2/clone.bundle"])
        #expect(try Self.reference(f.config, f.dir.file("some-ref"), globs).status == 0)
        #expect(try Self.files(f.dir.file("some-ref")) == ["./pub/project1/repo1/.fingerprint", "./pub/project1/repo1/clone.bundle"],
                "grokmirror never matches a glob without its leading slash")
    }

    @Test func emptyGitAndRevListArgumentsAreAcceptedWhereTheReferenceCrashes() throws {
        let f = try Self.mirror(repos: 2)
        for (option, name) in [("-g", "noargs"), ("-r", "norevs")] {
            let out = f.dir.file(name)
            let run = try Self.ours(f.config, out, [option, ""])
            #expect(run.status == 0, "\(option): \(run.stderr)")
            for gitdir in try Self.gitdirs(f) {
                try shell("git init -q --bare '\(f.dir.file("check.git"))' && git --git-dir='\(f.dir.file("check.git"))' bundle verify -q '\(Self.bundle(out, gitdir))'")
                #expect(try Self.heads(Self.bundle(out, gitdir)).contains(" HEAD"), "\(option) '': the default revisions")
            }
            let crashed = try Self.reference(f.config, f.dir.file(name + "-ref"), [option, ""])
            #expect(crashed.status == 1 && crashed.stderr.contains("TypeError"), "\(option): \(crashed.stderr)")
        }
        let unconditional = try Self.ours(f.config, f.dir.file("all"), ["-r", "--all", "-g", "-c core.compression=0"])
        #expect(unconditional.status == 0, "\(unconditional.stderr)")
        #expect(try Self.heads(Self.bundle(f.dir.file("all"), PushTests.repo1)).contains("refs/tags/v1"), "-r --all takes the value")
    }

    @Test func sameFilesFingerprintsAndRefsAsTheReferenceAndEachSeesTheOthersBundlesAsCurrent() throws {
        let f = try Self.mirror(forks: true)
        let config = f.dir.file("bundle.conf")
        f.dir.write("bundle.conf", "[core]\ntoplevel = \(f.mirror)\nlog = \(f.dir.file("bundle.log"))\nprivate = */project1/*\n")
        let (theirs, mine) = (f.dir.file("theirs"), f.dir.file("mine"))
        #expect(try Self.reference(config, theirs).status == 0)
        let run = try Self.ours(config, mine)
        #expect(run.status == 0, "\(run.stderr)")
        let files = try Self.files(mine), referenceFiles = try Self.files(theirs)
        #expect(files.count == 20 && files == referenceFiles)
        #expect(files.contains("./pub/project1/repo1/clone.bundle"), "private repositories are bundled, as by the reference")
        for gitdir in try Self.gitdirs(f) {
            let (a, b) = (Self.bundle(theirs, gitdir), Self.bundle(mine, gitdir))
            #expect(try Self.heads(a) == (try Self.heads(b)), "\(gitdir)")
            #expect(FileManager.default.contents(atPath: PathUtilities.dirname(a) + "/.fingerprint")
                    == FileManager.default.contents(atPath: PathUtilities.dirname(b) + "/.fingerprint"), "\(gitdir)")
        }
        let (git, log) = Self.gitLog(f)
        let oursOnTheirs = try Self.ours(config, theirs, environment: ["GITBIN": git])
        #expect(oursOnTheirs.status == 0 && oursOnTheirs.stderr.components(separatedBy: "(unchanged)").count - 1 == 10, "\(oursOnTheirs.stderr)")
        #expect(!FileSystem.exists(log), "the reference's bundles are current for us, without git")
        let theirsOnOurs = try Self.reference(config, mine)
        #expect(theirsOnOurs.status == 0)
        #expect(theirsOnOurs.stderr.components(separatedBy: "(unchanged)").count - 1 == 10, "\(theirsOnOurs.stderr)")
        #expect(!theirsOnOurs.stderr.contains("generate:"))
    }

    @Test func aKillMidWriteLeavesNoHalfBundleAndTheNextRunRepairsEverything() throws {
        let f = try Self.mirror(repos: 2)
        let out = f.dir.file("bundles")
        #expect(try Self.ours(f.config, out).status == 0)
        let bundle = Self.bundle(out, PushTests.repo1), directory = PathUtilities.dirname(bundle)
        let before = try Self.heads(bundle)
        let repo1 = f.mirror + PushTests.repo1
        try Self.advanceRepo1(f)
        f.dir.write("killing-git", """
            #!/bin/sh
            case "$*" in *"bundle create"*) ;; *) exec git "$@";; esac
            for a; do [ "$prev" = create ] && file=$a; prev=$a; done
            printf '# v2 git bundle\\nhalf a bundle' > "$file"
            kill -9 $PPID; sleep 5; exit 1
            """)
        chmod(f.dir.file("killing-git"), 0o755)
        let killed = try Self.ours(f.config, out, environment: ["GITBIN": f.dir.file("killing-git")])
        #expect(killed.status == 128 + SIGKILL, "\(killed.stderr)")
        #expect(try Self.heads(bundle) == before, "the final name still holds the last complete bundle")
        #expect(try shell("ls -a '\(directory)'").contains(".clone.bundle.tmp."), "the kill came mid-write")
        let fresh = f.dir.file("fresh")
        _ = try Self.ours(f.config, fresh, environment: ["GITBIN": f.dir.file("killing-git")])
        #expect(!FileSystem.exists(Self.bundle(fresh, PushTests.repo1)) && !FileSystem.exists(Self.bundle(fresh, "/pub/project2/repo2.git")))

        // A grokmirror run killed while git wrote clone.bundle in place leaves
        // git's lock, on which every later grokmirror run fails silently.
        f.dir.write("bundles" + PushTests.repo1.dropLast(4) + "/clone.bundle.lock", "")
        #expect(try Self.reference(f.config, out).status == 0)
        #expect(try Self.heads(bundle) == before, "the reference could not write past the lock")
        let repaired = try Self.ours(f.config, out)
        #expect(repaired.status == 0, "\(repaired.stderr)")
        #expect(try shell("ls -A '\(directory)'") == ".fingerprint\nclone.bundle\n", "leftovers removed")
        #expect(try Self.heads(bundle).contains("refs/heads/feature"))
        #expect(try String(contentsOfFile: directory + "/.fingerprint", encoding: .utf8) == (try referenceFingerprint(repo1)))
        #expect(try Self.ours(f.config, fresh).status == 0)
        #expect(try Self.files(fresh).count == 4)
    }

    @Test func hostileGitdirsCannotWriteOrPublishOutsideTheirTrees() throws {
        let f = try Self.mirror(repos: 2)
        let (out, outside) = (f.dir.file("out"), f.dir.file("outside"))
        try makeRepository(at: f.dir.file("secret.git"))
        try shell("""
            mkdir -p '\(out)' '\(outside)'
            ln -s '\(outside)' '\(out)/pub'
            ln -s '\(f.dir.file("secret.git"))' '\(f.mirror)/elsewhere.git'
            """)
        let hostile = ["/../escape.git", "/pub/../../escape.git", PushTests.repo1, "/elsewhere.git"]
        let entries = hostile.map { "\"\($0)\": {\"modified\": 1, \"fingerprint\": null}" }.joined(separator: ", ")
        f.dir.write("hostile.js", "{\(entries)}")
        f.dir.write("bundle.conf", "[core]\ntoplevel = \(f.mirror)\nmanifest = \(f.dir.file("hostile.js"))\n")
        let run = try Self.ours(f.dir.file("bundle.conf"), out)
        #expect(run.status == 1)
        for gitdir in hostile { #expect(run.stderr.contains(gitdir.dropFirst()), "\(gitdir): \(run.stderr)") }
        #expect(run.stderr.contains("resolves outside toplevel"), "\(run.stderr)")
        #expect(try shell("find '\(outside)' -mindepth 1") == "", "nothing through the symlink")
        #expect(try shell("find '\(out)' -mindepth 1") == "\(out)/pub\n", "and nothing else")
        #expect(!FileSystem.exists(f.dir.file("escape")) && !FileSystem.exists(f.dir.path + "/../escape"))
    }
}
