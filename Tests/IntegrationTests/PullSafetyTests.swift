import Foundation
import Testing
import TestSupport
import GrokKit

/// grok-pull replaces a repository by a symlink only when the origin did
/// and nothing else is lost, and never overwrites a local manifest or a
/// projects.list that is some other file.
@Suite(.serialized) struct PullSafetyTests {
    @Test func aRepositoryTheOriginReplacedBySymlinkBecomesOne() throws {
        let fixture = try PullFixture(repos: 4)
        #expect(try fixture.runPull().status == 0)
        let a = "/pub/project1/repo1.git", b = "/pub/project2/repo2.git"
        #expect(FileSystem.kind(fixture.mirror + b) == .directory)
        try shell("rm -rf '\(fixture.origin + b)' && ln -s ../project1/repo1.git '\(fixture.origin + b)'")
        try fixture.regenerateOriginManifest()
        let run = try fixture.runPull()
        #expect(run.status == 0, "\(run.stderr)")
        #expect(FileSystem.isSymlink(fixture.mirror + b))
        #expect(PathUtilities.realpath(fixture.mirror + b) == fixture.mirror + a)
        try fixture.expectMirrorEqualsOrigin()
        for gitdir in fixture.originRepos { try shell("git --git-dir='\(fixture.mirror + gitdir)' fsck --no-progress 2>&1") }
        let local = try loadManifest(fixture.mirror + "/manifest.js.gz")
        #expect(!local.contains(Gitdir(b)), "the replaced repository is no longer a local entry")
        #expect(local[Gitdir(a)]?.symlinks.contains(Gitdir(b)) == true)

        // And back: the origin makes b a repository of its own again.
        let aRefs = try shell("git --git-dir='\(fixture.mirror + a)' show-ref")
        let aURL = try shell("git --git-dir='\(fixture.mirror + a)' config remote._grokmirror.url")
        try shell("""
            rm '\(fixture.origin + b)' && git clone -q --bare '\(fixture.origin + a)' '\(fixture.origin + b)'
            git --git-dir='\(fixture.origin + b)' update-ref refs/heads/bnew master
            """)
        try fixture.regenerateOriginManifest()
        let origin = try loadManifest(fixture.origin + "/manifest.js.gz")
        #expect(origin.contains(Gitdir(b)) && origin[Gitdir(a)]?.symlinks.contains(Gitdir(b)) == false, "the origin lists b only as a repository")
        let back = try fixture.runPull()
        #expect(back.status == 0, "\(back.stderr)")
        #expect(FileSystem.kind(fixture.mirror + b) == .directory)
        try fixture.expectMirrorEqualsOrigin()
        #expect(try shell("git --git-dir='\(fixture.mirror + a)' show-ref") == aRefs, "b's refs went into a")
        #expect(try shell("git --git-dir='\(fixture.mirror + a)' config remote._grokmirror.url") == aURL)
    }

    @Test func aSymlinkEntryNeverDeletesADirectoryOfRepositories() throws {
        let fixture = try PullFixture(repos: 4)
        // Repositories only this mirror has, in a directory of their own.
        try shell("mkdir -p '\(fixture.mirror)/pub/local' && for i in 1 2 3; do git init -q --bare '\(fixture.mirror)/pub/local/r'$i.git; done")
        #expect(try fixture.runPull().status == 0)
        let manifestPath = fixture.origin + "/manifest.js.gz"
        var manifest = try loadManifest(manifestPath)
        var entry = try #require(manifest["/pub/project1/repo1.git"])
        entry.symlinks += ["/pub/local", "/pub/project2", "/pub/project3/repo3.git"]
        manifest["/pub/project1/repo1.git"] = entry
        try ManifestFile(path: manifestPath).write(manifest, pretty: false)
        try fixture.touchOriginManifest()
        let before = try shell("cd '\(fixture.mirror)' && find pub/local pub/project2 pub/project3 -printf '%p %s\\n' | sort")
        let run = try fixture.runPull(["-n"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("Not replacing \(fixture.mirror)/pub/local with a symlink"), "\(run.stderr)")
        #expect(run.stderr.contains("symlink /pub/project2 of /pub/project1/repo1.git ignored: listed repositories lie below it"))
        #expect(run.stderr.contains("symlink /pub/project3/repo3.git of /pub/project1/repo1.git ignored: it is also listed as a repository"))
        #expect(try shell("cd '\(fixture.mirror)' && find pub/local pub/project2 pub/project3 -printf '%p %s\\n' | sort") == before)
        try fixture.expectMirrorEqualsOrigin()
    }

    /// Issue 15.2: a symlink of the mirror's own where a repository belongs
    /// never lets grok-pull write outside toplevel, and a directory that is
    /// not a repository is never initialized into.
    @Test func theMirrorsOwnSymlinksAndDirectoriesAreNeverWrittenThrough() throws {
        let fixture = try PullFixture(repos: 4)
        let outsideDir = fixture.dir.file("outside-dir"), outsideRepo = fixture.dir.file("outside.git")
        try shell("""
            cd '\(fixture.mirror)' && mkdir -p '\(outsideDir)' pub/project2 pub/project3 pub/project4/repo4.git && echo precious > '\(outsideDir)/file'
            git init -q --bare '\(outsideRepo)' && echo mine > '\(outsideRepo)/description'
            ln -s '\(outsideDir)' '\(fixture.mirror)/pub/project2/repo2.git'
            ln -s '\(outsideRepo)' '\(fixture.mirror)/pub/project3/repo3.git'
            echo keep > '\(fixture.mirror)/pub/project4/repo4.git/notes.txt'
            """)
        let outside = try shell("cd '\(fixture.dir.path)' && find outside-dir outside.git -printf '%p %s %T@\\n' | sort")
        let run = try fixture.runPull()
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("repo2.git is a symlink to \(outsideDir), not to a repository of this mirror"))
        #expect(run.stderr.contains("repo3.git is a symlink to \(outsideRepo), not to a repository of this mirror"))
        #expect(try shell("cd '\(fixture.dir.path)' && find outside-dir outside.git -printf '%p %s %T@\\n' | sort") == outside)
        #expect(try shell("ls -A '\(fixture.mirror)/pub/project4/repo4.git'") == "notes.txt\n", "initialized into a directory that is not ours")
        #expect(try referenceFingerprint(fixture.mirror + "/pub/project1/repo1.git") == (try referenceFingerprint(fixture.origin + "/pub/project1/repo1.git")))
    }

    @Test func aLocalManifestOrProjectsListThatIsAnotherFileIsNeverReplaced() throws {
        let fixture = try PullFixture(repos: 2)
        fixture.dir.write("notes.txt", "[notes]\nkeep = me\n")
        let notes = fixture.dir.file("notes.txt")
        let original = FileSystem.read(notes)
        // [core] manifest names the wrong file: nothing is mirrored into it.
        fixture.writeConfig(extra: "")
        let config = try String(contentsOfFile: fixture.config, encoding: .utf8)
        try config.replacingOccurrences(of: "toplevel = \(fixture.mirror)", with: "toplevel = \(fixture.mirror)\nmanifest = \(notes)")
            .write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let wrongManifest = try fixture.runPull()
        #expect(wrongManifest.status == 2, "\(wrongManifest.stderr)")
        #expect(wrongManifest.stderr.contains("\(notes) is not a manifest"))
        #expect(FileSystem.read(notes) == original)
        // [pull] projectslist names it: the mirror is made, the file kept.
        fixture.writeConfig()
        let withList = try String(contentsOfFile: fixture.config, encoding: .utf8)
        try withList.replacingOccurrences(of: "projectslist = ${core:toplevel}/projects.list", with: "projectslist = \(notes)")
            .write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let wrongList = try fixture.runPull(["-n"])
        #expect(wrongList.stderr.contains("Not replacing \(notes): it does not look like a projects list"), "\(wrongList.stderr)")
        #expect(FileSystem.read(notes) == original)
        try fixture.expectMirrorEqualsOrigin()
    }
}

/// grok-fsck leaves a statusfile or manifest path that names some other
/// file as it is, and fails the run.
@Suite struct FsckRewriteSafetyTests {
    @Test func aStatusfileOrManifestThatIsAnotherFileIsNeverReplaced() throws {
        let fixture = try FsckFixture(repos: 2)
        fixture.dir.write("notes.txt", "[notes]\nkeep = me\n")
        let notes = fixture.dir.file("notes.txt")
        let original = FileSystem.read(notes)
        for (from, to) in [("statusfile = \(fixture.statusFile)", "statusfile = \(notes)"),
                           ("manifest = ${toplevel}/manifest.js.gz", "manifest = \(notes)")] {
            fixture.writeConfig(mailhost: "127.0.0.1:1")
            let config = try String(contentsOfFile: fixture.config, encoding: .utf8)
            try config.replacingOccurrences(of: from, with: to).write(toFile: fixture.config, atomically: true, encoding: .utf8)
            let run = try fixture.runFsck(["-f"])
            #expect(run.status == 1, "\(to): \(run.stderr)")
            #expect(run.stderr.contains(notes), "\(run.stderr)")
            #expect(FileSystem.read(notes) == original, "\(to) overwrote it")
        }
        // The statusfile may not be the manifest itself (same JSON shape).
        fixture.writeConfig(mailhost: "127.0.0.1:1", extra: "")
        let config = try String(contentsOfFile: fixture.config, encoding: .utf8)
        try config.replacingOccurrences(of: "statusfile = \(fixture.statusFile)", with: "statusfile = ${core:toplevel}/manifest.js.gz")
            .write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let manifestBefore = FileSystem.read(fixture.toplevel + "/manifest.js.gz")
        let same = try fixture.runFsck(["-f"])
        #expect(same.status == 2, "\(same.stderr)")
        #expect(FileSystem.read(fixture.toplevel + "/manifest.js.gz") == manifestBefore)
    }

    /// A tree that vanished wholesale keeps its manifest entries and its
    /// status records: the schedule survives an unmounted disk.
    @Test func anUnmountedTreeKeepsItsStatusRecords() throws {
        let fixture = try FsckFixture(repos: 5)
        #expect(try fixture.runFsck().status == 0)
        let records = try fixture.status().paths.sorted()
        #expect(records.count >= 5)
        try shell("mv '\(fixture.toplevel)/pub' '\(fixture.dir.file("pub-away"))'")
        let away = try fixture.runFsck()
        #expect(away.stderr.contains("are missing under"), "\(away.stderr)")
        #expect(try fixture.status().paths.sorted() == records)
        try shell("mv '\(fixture.dir.file("pub-away"))' '\(fixture.toplevel)/pub'")
        #expect(try fixture.runFsck().status == 0)
        #expect(try fixture.status().paths.sorted() == records)
    }
}
