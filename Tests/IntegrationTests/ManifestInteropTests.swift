import Foundation
import Testing
import TestSupport
import GrokKit

/// grok-manifest against the reference grokmirror 2.0.12 on generated trees.
@Suite(.serialized) struct ManifestInteropTests {
    let dir = TemporaryDirectory()
    var top: String { dir.file("origin") }
    let ours = Tools.ours("grok-manifest")

    /// A tree with every shape the manifest records: forks, owners, a
    /// symlink, plain alternates, git's default description, invalid UTF-8,
    /// an empty repository, an objstore repository and nested directories.
    func makeTree() throws {
        try shell("\(Tools.packageRoot)/scripts/make-origin.sh '\(top)' 24")
        try shell("""
            cd '\(top)'
            git clone -q --bare --shared pub/project1/repo1.git pub/alt/borrower.git
            git --git-dir=pub/alt/borrower.git pack-refs --all
            git init -q --bare pub/alt/empty.git
            git clone -q --bare pub/project2/repo2.git pub/odd/default-description.git
            printf 'Unnamed repository; edit this file to name it for gitweb.\\n' > pub/odd/default-description.git/description
            git clone -q --bare pub/project3/repo3.git pub/odd/latin1.git
            printf 'Caf\\xe9 r\\xe9sum\\xe9\\n' > pub/odd/latin1.git/description
            git init -q --bare objstore/abc.git && touch objstore/abc.git/grokmirror.objstore
            """)
    }

    func runOurs(_ args: [String]) throws -> ProcessOutcome {
        try runProcess(ours, args)
    }

    func runReference(_ args: [String]) throws -> ProcessOutcome {
        try runProcess(try Tools.reference("grok-manifest"), args)
    }

    @Test func fullWalkEqualsReferenceEntryForEntry() throws {
        try makeTree()
        let a = try runOurs(["-m", dir.file("ours.js.gz"), "-t", top])
        #expect(a.status == 0, "\(a.stderr)")
        let b = try runReference(["-m", dir.file("ref.js.gz"), "-t", top])
        #expect(b.status == 0, "\(b.stderr)")
        let mine = try loadManifest(dir.file("ours.js.gz"))
        let theirs = try loadManifest(dir.file("ref.js.gz"))
        #expect(mine.count == 27)
        #expect(Set(mine.gitdirs) == Set(theirs.gitdirs))
        for gitdir in theirs.gitdirs {
            #expect(mine[gitdir]?.object == theirs[gitdir]?.object, "entry \(gitdir)")
        }
        #expect(mine["/pub/alt/borrower.git"]?.reference == "/pub/project1/repo1.git")
        #expect(mine["/pub/project1/repo1.git"]?.symlinks == ["/pub/latest.git"])
        #expect(mine["/pub/project7/repo7.git"]?.owner == "Maintainer 7")
        #expect(mine["/pub/odd/latin1.git"]?.description == "Caf\u{FFFD} r\u{FFFD}sum\u{FFFD}")
        #expect(mine["/pub/odd/default-description.git"]?.description == nil)
        #expect(!mine.contains("/pub/alt/empty.git"))
        #expect(!mine.contains("/objstore/abc.git"))
    }

    @Test func ignoreOptionsAndPrettyMatchReference() throws {
        try makeTree()
        let flags = ["-y", "-i", "*/odd", "-r", "refs/tags/*"]
        #expect(try runOurs(["-m", dir.file("ours.js"), "-t", top] + flags).status == 0)
        #expect(try runReference(["-m", dir.file("ref.js"), "-t", top] + flags).status == 0)
        let mine = try loadManifest(dir.file("ours.js"))
        let theirs = try loadManifest(dir.file("ref.js"))
        #expect(mine == theirs)
        #expect(!mine.contains("/pub/odd/latin1.git"))
        // Pretty output is byte-identical to Python's json.dumps(indent=2, sort_keys=True).
        #expect(FileManager.default.contents(atPath: dir.file("ours.js")) == FileManager.default.contents(atPath: dir.file("ref.js")))
    }

    @Test func referenceReadsAndUpdatesOurManifest() throws {
        try makeTree()
        let manifest = dir.file("manifest.js.gz")
        #expect(try runOurs(["-m", manifest, "-t", top]).status == 0)
        let before = try loadManifest(manifest)
        let repo = top + "/pub/project2/repo2.git"
        try shell("git --git-dir='\(repo)' update-ref refs/heads/new \"$(git --git-dir='\(repo)' rev-parse master)\"")
        let hook = try runReference(["-m", manifest, "-t", top, "-n", repo])
        #expect(hook.status == 0, "\(hook.stderr)")
        let after = try loadManifest(manifest)
        #expect(after.count == before.count)
        #expect(after["/pub/project2/repo2.git"]?.fingerprint == (try referenceFingerprint(repo)))
        for gitdir in before.gitdirs where gitdir != "/pub/project2/repo2.git" {
            #expect(after[gitdir] == before[gitdir], "\(gitdir) untouched")
        }
        let python = try runProcess(Tools.referenceBin + "/python", ["-c", "import grokmirror,sys; m = grokmirror.read_manifest(sys.argv[1]); print(len(m))", manifest])
        #expect(python.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "\(before.count)")
    }

    @Test func weReadAndUpdateTheReferenceManifest() throws {
        try makeTree()
        let manifest = dir.file("manifest.js.gz")
        #expect(try runReference(["-m", manifest, "-t", top]).status == 0)
        let before = try loadManifest(manifest)
        let repo = top + "/pub/project3/repo11.git"
        try shell("git --git-dir='\(repo)' update-ref -d refs/heads/dev")
        let hook = try runOurs(["-m", manifest, "-t", top, "-n", repo])
        #expect(hook.status == 0, "\(hook.stderr)")
        let after = try loadManifest(manifest)
        #expect(after["/pub/project3/repo11.git"]?.fingerprint == (try referenceFingerprint(repo)))
        #expect(after["/pub/project3/repo11.git"]?.fingerprint != before["/pub/project3/repo11.git"]?.fingerprint)
        for gitdir in before.gitdirs where gitdir != "/pub/project3/repo11.git" {
            #expect(after[gitdir] == before[gitdir], "\(gitdir) untouched")
        }
    }

    @Test func deletedRepositoryIsDroppedWhereTheReferenceCrashes() throws {
        try makeTree()
        for name in ["ours.js.gz", "ref.js.gz"] { #expect(try runOurs(["-m", dir.file(name), "-t", top]).status == 0) }
        try shell("rm -rf '\(top)/pub/project4/repo4.git'")
        let mine = try runOurs(["-m", dir.file("ours.js.gz"), "-t", top, "-p", "-v"])
        #expect(mine.status == 0)
        #expect(mine.stderr.contains("purged /pub/project4/repo4.git (gone)"))
        #expect(try !loadManifest(dir.file("ours.js.gz")).contains("/pub/project4/repo4.git"))
        let theirs = try runReference(["-m", dir.file("ref.js.gz"), "-t", top, "-p"])
        #expect(theirs.status != 0)
        #expect(theirs.stderr.contains("AttributeError"))
    }

    @Test func nonRepositoryPathFailsWithManifestUntouched() throws {
        try makeTree()
        let manifest = dir.file("manifest.js.gz")
        #expect(try runOurs(["-m", manifest, "-t", top]).status == 0)
        let bytes = FileManager.default.contents(atPath: manifest)
        try shell("mkdir -p '\(top)/pub/notarepo'")
        let notRepo = try runOurs(["-m", manifest, "-t", top, "-n", top + "/pub/project1/repo1.git", top + "/pub/notarepo"])
        #expect(notRepo.status == 1)
        #expect(notRepo.stderr.contains("/pub/notarepo"))
        #expect(notRepo.stderr.split(separator: "\n").allSatisfy { !$0.isEmpty })
        let outside = try runOurs(["-m", manifest, "-t", top, dir.path])
        #expect(outside.status == 1)
        #expect(outside.stderr.contains("not inside toplevel"))
        #expect(FileManager.default.contents(atPath: manifest) == bytes)
        let usage = try runOurs(["-m", manifest, "-t", top, "--no-such-flag"])
        #expect(usage.status == 2)
        let waitWithoutPaths = try runOurs(["-m", manifest, "-t", top, "-w"])
        #expect(waitWithoutPaths.status == 2)
    }

    @Test func removeExportOkAndSymlinkHook() throws {
        try makeTree()
        let manifest = dir.file("manifest.js.gz")
        #expect(try runOurs(["-m", manifest, "-t", top]).status == 0)
        // -x removes repos and symlinks.
        #expect(try runOurs(["-m", manifest, "-t", top, "-x", top + "/pub/project5/repo5.git", top + "/pub/latest.git"]).status == 0)
        var m = try loadManifest(manifest)
        #expect(!m.contains("/pub/project5/repo5.git"))
        #expect(m["/pub/project1/repo1.git"]?.symlinks == [])
        // A hook run on a symlink records it on its target.
        #expect(try runOurs(["-m", manifest, "-t", top, "-n", top + "/pub/latest.git"]).status == 0)
        m = try loadManifest(manifest)
        #expect(m["/pub/project1/repo1.git"]?.symlinks == ["/pub/latest.git"])
        // -c keeps only exported repos.
        try shell("touch '\(top)/pub/project1/repo1.git/git-daemon-export-ok'")
        // Unexporting 25 of 26 is a mass removal (issue 14): refused, then forced.
        #expect(try runOurs(["-m", manifest, "-t", top, "-c", "-p"]).status == 1)
        #expect(try loadManifest(manifest).count > 1)
        #expect(try runOurs(["-m", manifest, "-t", top, "-c", "-p", "--force-purge"]).status == 0)
        m = try loadManifest(manifest)
        #expect(m.gitdirs == ["/pub/project1/repo1.git"])
    }

    @Test func configFileLogFileAndUnparseableManifest() throws {
        try makeTree()
        let conf = dir.file("grokmirror.conf")
        dir.write("grokmirror.conf", """
            [core]
            toplevel = \(top)
            manifest = ${toplevel}/manifest.js.gz
            log = \(dir.path)/manifest.log
            [manifest]
            pretty = yes
            ignore = */odd
            """)
        // A file that is neither gzip nor JSON is some other file: never
        // replaced (issue 14; the reference overwrites it). A torn JSON
        // manifest is regenerated, as the reference does.
        dir.write("origin/manifest.js.gz", "this is not gzip or json")
        #expect(try runOurs(["--cfgfile", conf]).status == 2)
        #expect(FileSystem.readString(top + "/manifest.js.gz") == "this is not gzip or json")
        dir.write("origin/manifest.js.gz", "{\"/pub/project1/repo1.git\": {\"fin")
        let run = try runOurs(["--cfgfile", conf])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("Unable to parse"))
        let m = try loadManifest(top + "/manifest.js.gz")
        #expect(m.count == 25)
        let log = try String(contentsOfFile: dir.file("manifest.log"), encoding: .utf8)
        let line = try #require(log.split(separator: "\n").first { $0.contains("added /pub/project1/repo1.git") })
        #expect(line.wholeMatch(of: /manifest\[\d+\] \d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} - INFO -  manifest: added \/pub\/project1\/repo1\.git/) != nil)
        let badConf = try runOurs(["--cfgfile", dir.file("missing.conf")])
        #expect(badConf.status == 2)
        #expect(badConf.stderr.contains("missing.conf"))
    }
}
