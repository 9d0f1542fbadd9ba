import Foundation
import Testing
import TestSupport
import GrokKit

@Suite(.serialized) struct ManifestSymlinkAndWaitTests {
    let dir = TemporaryDirectory()
    var top: String { dir.file("origin") }
    let ours = Tools.ours("grok-manifest")

    @Test func symlinksOutsideToplevelOrBrokenAreSkippedWithAnError() throws {
        try shell("""
            \(Tools.packageRoot)/scripts/make-origin.sh '\(top)' 3
            git init -q --bare '\(dir.path)/elsewhere.git'
            git --git-dir='\(dir.path)/elsewhere.git' commit-tree -m x "$(git --git-dir='\(dir.path)/elsewhere.git' mktree < /dev/null)" | xargs git --git-dir='\(dir.path)/elsewhere.git' update-ref refs/heads/master
            ln -s '\(dir.path)/elsewhere.git' '\(top)/pub/escape.git'
            ln -s '\(top)/pub/gone.git' '\(top)/pub/broken.git'
            """)
        let manifest = dir.file("manifest.js.gz")
        let run = try runProcess(ours, ["-m", manifest, "-t", top])
        #expect(run.status == 0)
        #expect(run.stderr.contains("symlink /pub/escape.git points outside toplevel, ignored"))
        let m = try loadManifest(manifest)
        #expect(!m.gitdirs.contains { $0.path.contains("escape") || $0.path.contains("broken") || $0.path.contains("elsewhere") })
        #expect(m.gitdirs.allSatisfy { !(m[$0]!.symlinks.contains("/pub/escape.git")) })
        let hook = try runProcess(ours, ["-m", manifest, "-t", top, "-n", top + "/pub/broken.git"])
        #expect(hook.status == 0)
        #expect(hook.stderr.contains("symlink /pub/broken.git is broken, ignored"))
    }

    @Test func removedSymlinkLeavesTheTargetsListOnAFullWalk() throws {
        try shell("\(Tools.packageRoot)/scripts/make-origin.sh '\(top)' 3")
        let manifest = dir.file("manifest.js.gz")
        #expect(try runProcess(ours, ["-m", manifest, "-t", top]).status == 0)
        #expect(try loadManifest(manifest)["/pub/project1/repo1.git"]?.symlinks == ["/pub/latest.git"])
        try shell("rm '\(top)/pub/latest.git'")
        #expect(try runProcess(ours, ["-m", manifest, "-t", top, "-p"]).status == 0)
        let entry = try #require(try loadManifest(manifest)["/pub/project1/repo1.git"])
        #expect(entry.symlinks == [])
        #expect(entry.object["symlinks"] == nil)
    }

    @Test func waitForManifestWaitsWithoutHoldingTheLock() async throws {
        try shell("\(Tools.packageRoot)/scripts/make-origin.sh '\(top)' 3")
        let manifest = dir.file("manifest.js.gz")
        let waiter = try Spawn.start([ours, "-m", manifest, "-t", top, "-w", "-n", top + "/pub/project1/repo1.git"])
        try await Task.sleep(for: .milliseconds(1500))
        var status: Int32 = 0
        #expect(!Spawn.hasExited(waiter, status: &status), "must wait while the manifest is missing")
        // A full run can take the lock meanwhile, and creates the manifest.
        #expect(try runProcess(ours, ["-m", manifest, "-t", top], timeout: 30).status == 0)
        let outcome = Spawn.wait(waiter, timeout: 15)
        #expect(outcome.status == 0)
    }

    @Test func repositoryLockFileNamesMatchGrokmirror() {
        #expect(FileLock.lockPath(for: "/srv/git/pub/linux.git") == "/srv/git/pub/.linux.git.lock")
        #expect(FileLock.lockPath(for: "/srv/git/manifest.js.gz") == "/srv/git/.manifest.js.gz.lock")
    }
}
