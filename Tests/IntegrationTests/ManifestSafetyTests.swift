import Foundation
import Testing
import TestSupport
import GrokKit

/// grok-manifest on a wrong or missing toplevel, a wrong -m, a repository
/// replaced by a symlink, and a repository git would not open: the
/// manifest survives and says only what git and the disk say.
@Suite(.serialized) struct ManifestSafetyTests {
    let dir = TemporaryDirectory()
    var top: String { dir.file("origin") }
    var manifest: String { dir.file("manifest.js") }
    let ours = Tools.ours("grok-manifest")

    init() throws {
        try shell("\(Tools.packageRoot)/scripts/make-origin.sh '\(dir.file("origin"))' 4")
        let first = try runProcess(ours, ["-m", dir.file("manifest.js"), "-t", dir.file("origin")])
        #expect(first.status == 0, "\(first.stderr)")
    }

    private func bytes(_ path: String) -> [UInt8]? { FileSystem.read(path) }

    @Test func missingOrEmptyToplevelLeavesTheManifestAlone() throws {
        let before = try #require(bytes(manifest))
        #expect(try loadManifest(manifest).count == 4)
        for toplevel in [dir.file("not-mounted"), dir.file("origin/pub/project1/repo1.git/HEAD")] {
            let run = try runProcess(ours, ["-m", manifest, "-t", toplevel])
            #expect(run.status == 2, "\(toplevel): \(run.stderr)")
            #expect(run.stderr.contains("does not exist or is not a directory"))
            #expect(bytes(manifest) == before)
        }
        try shell("mkdir '\(dir.file("empty"))'")
        for extra in [[], ["-p"], ["-p", "-n", dir.file("empty")]] {
            let run = try runProcess(ours, ["-m", manifest, "-t", dir.file("empty")] + extra)
            #expect(run.status != 0, "\(extra): \(run.stderr)")
            #expect(bytes(manifest) == before, "\(extra)")
        }
        let refused = try runProcess(ours, ["-m", manifest, "-t", dir.file("empty")])
        #expect(refused.stderr.contains("it would remove all 4 entries") && refused.stderr.contains("--force-purge"), "\(refused.stderr)")
        let forced = try runProcess(ours, ["-m", manifest, "-t", dir.file("empty"), "--force-purge"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try loadManifest(manifest).isEmpty, "--force-purge is the documented override")
    }

    @Test func aWalkDroppingMoreThanTheProtectedShareRefuses() throws {
        try shell("cd '\(top)/pub' && for i in $(seq 5 12); do git clone -q --bare project1/repo1.git extra$i.git; done")
        #expect(try runProcess(ours, ["-m", manifest, "-t", top]).status == 0)
        #expect(try loadManifest(manifest).count == 12)
        let before = try #require(bytes(manifest))
        try shell("rm -rf '\(top)'/pub/extra{5,6,7,8}.git")
        let refused = try runProcess(ours, ["-m", manifest, "-t", top, "-p"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("it would remove 4 of 12 entries"), "\(refused.stderr)")
        #expect(bytes(manifest) == before)
        #expect(try runProcess(ours, ["-m", manifest, "-t", top, "-p", "--force-purge"]).status == 0)
        #expect(try loadManifest(manifest).count == 8)
    }

    @Test func unexportingEverythingCountsAsARemoval() throws {
        let before = try #require(bytes(manifest))
        let run = try runProcess(ours, ["-m", manifest, "-t", top, "-p", "-c"])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(bytes(manifest) == before)
    }

    @Test func aFileThatIsNotAManifestIsNeverOverwritten() throws {
        let config = dir.file("repos.conf")
        dir.write("repos.conf", "[core]\ntoplevel = \(top)\n")
        let before = try #require(bytes(config))
        let runs: [[String]] = [
            ["-m", config, "-t", dir.file("not-mounted"), "-n", dir.file("x.git")],
            ["-m", config, "-t", top, "-n", top + "/pub/project1/repo1.git"],
            ["-m", config, "-t", top],
            ["-m", config, "-t", top, "-p"],
            ["-m", config, "-t", top, "-x", top + "/pub/project1/repo1.git"],
        ]
        for arguments in runs {
            let run = try runProcess(ours, arguments)
            #expect(run.status == 2, "\(arguments): \(run.stderr)")
            #expect(bytes(config) == before, "\(arguments) overwrote the config file")
        }
        dir.write("package.json", "{\"name\": \"web\", \"version\": \"1.0.0\"}\n")
        let package = try #require(bytes(dir.file("package.json")))
        #expect(try runProcess(ours, ["-m", dir.file("package.json"), "-t", top]).status == 2)
        #expect(bytes(dir.file("package.json")) == package)
        let gz = dir.file("notes.txt.gz")
        try shell("printf 'my notes\\n' | gzip > '\(gz)'")
        let gzBefore = try #require(bytes(gz))
        #expect(try runProcess(ours, ["-m", gz, "-t", top]).status == 2)
        #expect(bytes(gz) == gzBefore)
    }

    @Test func aRepositoryReplacedBySymlinkIsOnlyASymlink() throws {
        let a: Gitdir = "/pub/project1/repo1.git", b: Gitdir = "/pub/project2/repo2.git"
        let variants: [[String]] = [["-p"], ["-n", b.fullpath(in: top)], ["-n", a.fullpath(in: top)], ["-n", top + "/pub/project3/repo3.git"]]
        let pristine = try #require(bytes(manifest))
        try shell("rm -rf '\(b.fullpath(in: top))' && ln -s ../project1/repo1.git '\(b.fullpath(in: top))'")
        for arguments in variants {
            #expect(AtomicFile.write(pristine, to: manifest))
            #expect(try loadManifest(manifest).contains(b))
            let run = try runProcess(ours, ["-m", manifest, "-t", top] + arguments)
            #expect(run.status == 0, "\(arguments): \(run.stderr)")
            let m = try loadManifest(manifest)
            #expect(!m.contains(b), "\(arguments): \(b) is still a repository entry")
            #expect(m[a]?.symlinks.contains(b) == true, "\(arguments)")
            #expect(m.count == 3, "\(arguments)")
        }
    }

    @Test func aRepositoryGitWouldNotOpenIsNotPublished() throws {
        let bad: Gitdir = "/pub/project3/repo3.git"
        try shell("echo 'ref: ../../../etc/passwd' > '\(bad.fullpath(in: top))/HEAD'")
        let hook = try runProcess(ours, ["-m", manifest, "-t", top, "-n", bad.fullpath(in: top)])
        #expect(hook.status == 1, "\(hook.stderr)")
        #expect(hook.stderr.contains("\(bad) is not a repository git would open"))
        #expect(try loadManifest(manifest)[bad]?.head == "ref: refs/heads/master", "the last good entry is kept")
        let fresh = dir.file("fresh.js")
        #expect(try runProcess(ours, ["-m", fresh, "-t", top]).status == 1)
        #expect(try !loadManifest(fresh).contains(bad))
        #expect(try loadManifest(fresh).count == 3)
        let git = try shell("git --git-dir='\(bad.fullpath(in: top))' rev-parse 2>&1 || true")
        #expect(git.contains("not a git repository"), "git agrees: \(git)")
        if let reference = try? Tools.reference("grok-manifest") {
            let theirs = dir.file("theirs.js")
            _ = try runProcess(reference, ["-m", theirs, "-t", top])
            #expect(try !loadManifest(theirs).contains(bad), "the reference leaves it out too")
        }
    }
}
