import Foundation
import Testing
import TestSupport
import GrokKit

/// Issue 15.3: grok-pull's purge and reclone delete only what was proven to
/// be the mirror's and unprotected; each refusal is logged by path.
@Suite(.serialized) struct PullDeletionSafetyTests {
    /// A purge candidate that only looks like a repository (it holds a
    /// user's files and repositories), and a repository this mirror did not
    /// clone, are kept; the mirror's own dropped repository still goes.
    @Test func purgeDeletesOnlyTheMirrorsOwnRepositories() throws {
        let f = try PullFixture(repos: 4)
        #expect(try f.runPull().status == 0)
        let m = f.mirror
        try shell("""
            set -e
            mkdir -p '\(m)/pub/stash/objects' '\(m)/pub/stash/refs'
            echo 'ref: refs/heads/master' > '\(m)/pub/stash/HEAD'
            printf '[remote "_grokmirror"]\\n\\turl = x\\n' > '\(m)/pub/stash/config'
            echo notes > '\(m)/pub/stash/notes.txt'
            git init -q --bare '\(m)/pub/stash/keep/r.git'
            git init -q --bare '\(m)/pub/local.git'
            rm -rf '\(f.origin)/pub/project4/repo4.git'
            """)
        try f.regenerateOriginManifest()
        let before = try shell("cd '\(m)/pub' && find stash local.git -printf '%p %s\\n' | sort")
        let run = try f.runPull(["-p", "--force-purge"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("Not purging \(m)/pub/stash: other repositories lie below it"), "\(run.stderr)")
        #expect(run.stderr.contains("Not purging \(m)/pub/local.git: its config has no mirror remote"), "\(run.stderr)")
        #expect(try shell("cd '\(m)/pub' && find stash local.git -printf '%p %s\\n' | sort") == before)
        #expect(!FileSystem.exists(m + "/pub/project4/repo4.git"), "the mirror's own dropped repository is purged")
        try f.expectMirrorEqualsOrigin()
    }

    /// A repository another one borrows from through a relative alternates
    /// path is not purged, so the borrower (kept by nopurge) stays whole.
    @Test func purgeKeepsARepositoryBorrowedThroughRelativeAlternates() throws {
        let f = try PullFixture(repos: 4)
        #expect(try f.runPull().status == 0)
        f.writeConfig(extra: "nopurge = /pub/mine.git")
        let m = f.mirror
        try shell("""
            set -e
            git clone -q --bare --shared '\(m)/pub/project4/repo4.git' '\(m)/pub/mine.git'
            echo '../../project4/repo4.git/objects' > '\(m)/pub/mine.git/objects/info/alternates'
            rm -rf '\(f.origin)/pub/project4/repo4.git'
            """)
        try f.regenerateOriginManifest()
        let run = try f.runPull(["-p", "--force-purge"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("keeping: /pub/project4/repo4.git (other repositories borrow objects from it)"), "\(run.stderr)")
        #expect(FileSystem.exists(m + "/pub/project4/repo4.git/objects"))
        try shell("git --git-dir='\(m)/pub/mine.git' fsck --no-progress 2>&1")
    }

    /// What stands where a reclone moves a repository aside is deleted only
    /// when it is a repository: a user's directory there is kept, both when
    /// a new clone cleans up and when a requested reclone would move aside.
    @Test func aRecloneNeverDeletesWhatIsNotARepository() throws {
        let f = try PullFixture(repos: 4)
        let m = f.mirror
        try shell("mkdir -p '\(m)/pub/project1/repo1.git.reclone' && echo mine > '\(m)/pub/project1/repo1.git.reclone/notes.txt'")
        let first = try f.runPull()
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("Not deleting \(m)/pub/project1/repo1.git.reclone"), "\(first.stderr)")
        #expect(FileSystem.exists(m + "/pub/project1/repo1.git.reclone/notes.txt"))

        try shell("""
            mkdir -p '\(m)/pub/project2/repo2.git.reclone' && echo mine > '\(m)/pub/project2/repo2.git.reclone/notes.txt'
            touch '\(m)/pub/project2/repo2.git/grokmirror.reclone'
            """)
        try f.touchOriginManifest()
        let reclone = try f.runPull(["-n"])
        #expect(reclone.stderr.contains("Not recloning \(m)/pub/project2/repo2.git: \(m)/pub/project2/repo2.git.reclone is in the way"), "\(reclone.stderr)")
        #expect(FileSystem.exists(m + "/pub/project2/repo2.git.reclone/notes.txt"))
        #expect(BareRepository.isBare(m + "/pub/project2/repo2.git"))
        try f.expectMirrorEqualsOrigin()
    }

    /// A `symlinks` entry never replaces a repository that holds other
    /// repositories below it (it is a directory of repositories too).
    @Test func aSymlinkNeverReplacesARepositoryHoldingOthers() throws {
        let f = try PullFixture(repos: 4)
        #expect(try f.runPull().status == 0)
        let m = f.mirror
        try shell("git init -q --bare '\(m)/pub/holder.git' && git init -q --bare '\(m)/pub/holder.git/forks/f.git'")
        let manifestPath = f.origin + "/manifest.js.gz"
        var manifest = try loadManifest(manifestPath)
        var entry = try #require(manifest["/pub/project1/repo1.git"])
        entry.symlinks.append("/pub/holder.git")
        manifest["/pub/project1/repo1.git"] = entry
        try ManifestFile(path: manifestPath).write(manifest, pretty: false)
        try f.touchOriginManifest()
        let run = try f.runPull(["-n"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("Not replacing \(m)/pub/holder.git with a symlink"), "\(run.stderr)")
        #expect(BareRepository.isBare(m + "/pub/holder.git/forks/f.git") && !FileSystem.isSymlink(m + "/pub/holder.git"))
    }
}
