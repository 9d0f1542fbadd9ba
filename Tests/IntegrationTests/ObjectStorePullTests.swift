import Foundation
import Testing
import TestSupport
import GrokKit

/// grok-pull's object storage against a real origin over smart HTTP: forks
/// the origin groups are cloned against one objstore repository, so their
/// shared history crosses the network once.
@Suite struct ObjectStorePullTests {
    /// An origin of a base and `forks` forks sharing a 256 KiB random blob,
    /// grouped into an objstore by our grok-fsck, and its manifest.
    func forkedOrigin(forks: Int, fixture: PullFixture, fsckExtra: String = "") throws {
        let origin = fixture.origin
        try shell("""
            set -e
            work=$(mktemp -d); git init -q -b master "$work/w"; cd "$work/w"
            head -c 262144 /dev/urandom > big.bin; echo base > README; git add -A; git commit -qm base
            mkdir -p '\(origin)/forks'; git clone -q --bare . '\(origin)/forks/base.git'
            for i in $(seq 1 \(forks)); do
              git clone -q --bare --no-local '\(origin)/forks/base.git' '\(origin)/forks/fork'$i.git
              echo "fork $i" > own.txt; git add own.txt; git commit -qm "fork $i"; git push -q '\(origin)/forks/fork'$i.git HEAD:refs/heads/fork$i
              git reset -q --hard HEAD~1
            done
            rm -rf "$work"
            """)
        try groupOrigin(fixture, fsckExtra: fsckExtra)
    }

    /// Bytes nginx sent for upload-pack requests since the log was last cut.
    func uploadPackBytes(_ server: OriginServer) -> Int {
        server.accessLog.split(separator: "\n").filter { $0.contains("git-upload-pack") }.reduce(0) { total, line in
            let fields = line.split(separator: "\"")
            let statusAndBytes = fields.count > 2 ? fields[2].split(separator: " ") : []
            return total + (statusAndBytes.count > 1 ? Int(statusAndBytes[1]) ?? 0 : 0)
        }
    }

    @Test func forksAreClonedAgainstOneObjectStoreAndSharedHistoryCrossesOnce() throws {
        let fixture = try PullFixture(repos: 0)
        try forkedOrigin(forks: 5, fixture: fixture)
        let originManifest = try loadManifest(fixture.origin + "/manifest.js.gz")
        let forkgroup = try #require(originManifest["/forks/fork1.git"]?.forkgroup)

        let run = try fixture.runPull()
        #expect(run.status == 0, "\(run.stderr)")
        try fixture.expectMirrorEqualsOrigin()
        let store = PathUtilities.realpath(fixture.mirror + "/objstore/\(forkgroup).git")
        #expect(BareRepository.isObjectStore(store), "\(run.stderr)")
        let gitdirs = ["/forks/base.git"] + (1...5).map { "/forks/fork\($0).git" }
        for gitdir in gitdirs {
            #expect(Alternates.borrowedRepository(of: fixture.mirror + gitdir) == store, "\(gitdir)")
            let check = try runProcess("/usr/bin/git", ["--git-dir=\(fixture.mirror + gitdir)", "fsck", "--no-progress", "--no-dangling"])
            #expect(check.status == 0, "\(gitdir): \(check.stderr)")
            #expect(try loadManifest(fixture.mirror + "/manifest.js.gz")[Gitdir(gitdir)]?.forkgroup == forkgroup)
        }
        let siblings = Set(ObjectStoreRepository(path: store, git: GitRunner()).siblings.map { PathUtilities.realpath($0.fullpath) })
        #expect(siblings == Set(gitdirs.map { PathUtilities.realpath(fixture.mirror + $0) }))
        // Six repositories share a 256 KiB incompressible blob: it crossed once.
        let sent = uploadPackBytes(fixture.server)
        #expect(sent > 256 * 1024 && sent < 2 * 256 * 1024, "upload-pack sent \(sent) bytes")
        // The mirror's own grok-fsck accepts the layout: no new objstore.
        #expect(try runFsck(on: fixture.mirror, name: "mirror", fixture: fixture).status == 0)
        #expect(ObjectStoreMigration.objectStores(in: fixture.mirror + "/objstore") == [store])
    }

    @Test func aNewForkMovesAnExistingStandaloneSiblingIntoTheObjstore() throws {
        let fixture = try PullFixture(repos: 0)
        try shell("""
            set -e
            work=$(mktemp -d); git init -q -b master "$work/w"; cd "$work/w"
            head -c 262144 /dev/urandom > big.bin; git add -A; git commit -qm base
            mkdir -p '\(fixture.origin)/forks'; git clone -q --bare . '\(fixture.origin)/forks/base.git'; rm -rf "$work"
            """)
        try fixture.regenerateOriginManifest()
        #expect(try fixture.runPull().status == 0)
        #expect(Alternates.borrowedRepository(of: fixture.mirror + "/forks/base.git") == nil, "a lone repository is standalone")
        // The origin gains a fork and groups the two.
        try shell("git clone -q --bare --no-local '\(fixture.origin)/forks/base.git' '\(fixture.origin)/forks/fork.git'")
        try groupOrigin(fixture)
        let run = try fixture.runPull()
        #expect(run.status == 0, "\(run.stderr)")
        let forkgroup = try #require(try loadManifest(fixture.origin + "/manifest.js.gz")["/forks/fork.git"]?.forkgroup)
        let store = PathUtilities.realpath(fixture.mirror + "/objstore/\(forkgroup).git")
        #expect(Alternates.borrowedRepository(of: fixture.mirror + "/forks/base.git") == store, "\(run.stderr)")
        #expect(Alternates.borrowedRepository(of: fixture.mirror + "/forks/fork.git") == store)
        for gitdir in ["/forks/base.git", "/forks/fork.git"] {
            let check = try runProcess("/usr/bin/git", ["--git-dir=\(fixture.mirror + gitdir)", "fsck", "--no-progress", "--no-dangling"])
            #expect(check.status == 0, "\(gitdir): \(check.stderr)")
        }
        try fixture.expectMirrorEqualsOrigin()
    }

    @Test func bundlesBaselinesAndIslandCoresReachTheReplica() throws {
        let fixture = try PullFixture(repos: 0)
        try forkedOrigin(forks: 2, fixture: fixture, fsckExtra: """
            baselines = /forks/base.git
            islandcores = /forks/base.git
            preload_bundle_outdir = \(fixture.origin)/bundles
            """)
        let forkgroup = try #require(try loadManifest(fixture.origin + "/manifest.js.gz")["/forks/fork1.git"]?.forkgroup)
        let store = PathUtilities.realpath(fixture.origin + "/objstore/\(forkgroup).git")
        let baseVirtref = Virtref.of(PathUtilities.realpath(fixture.origin + "/forks/base.git"))
        #expect(try shell("git --git-dir='\(store)' config pack.islandCore").trimmingCharacters(in: .whitespacesAndNewlines) == baseVirtref)
        for gitdir in ["/forks/base.git", "/forks/fork1.git", "/forks/fork2.git"] {
            #expect(try shell("git --git-dir='\(fixture.origin + gitdir)' config core.alternateRefsPrefixes").trimmingCharacters(in: .whitespacesAndNewlines)
                    == "refs/virtual/\(baseVirtref)/heads/")
        }
        let bundle = fixture.origin + "/bundles/\(forkgroup).bundle"
        #expect(try runProcess("/usr/bin/git", ["bundle", "verify", "-q", bundle]).status == 0)

        fixture.writeConfig(extra: "")
        let config = try String(contentsOfFile: fixture.config, encoding: .utf8)
        try config.replacingOccurrences(of: "[remote]\n", with: "[remote]\npreload_bundle_url = \(fixture.server.baseURL)/bundles\n")
            .write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let run = try fixture.runPull()
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("successful preload from \(forkgroup).bundle"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fixture.mirror + "/objstore/\(forkgroup).bundle"))
        try fixture.expectMirrorEqualsOrigin()
        // The bundle carried the history: the clones fetched only refs.
        let sent = uploadPackBytes(fixture.server)
        #expect(sent < 128 * 1024, "upload-pack sent \(sent) bytes")
    }

    /// Our grok-fsck groups the origin's forks; the manifest then says so.
    func groupOrigin(_ fixture: PullFixture, fsckExtra: String = "") throws {
        try fixture.regenerateOriginManifest()
        let fsck = try runFsck(on: fixture.origin, name: "origin", fixture: fixture, extra: fsckExtra)
        guard fsck.status == 0 else { throw ShellError(script: "grok-fsck", status: fsck.status, stderr: fsck.stderr) }
        try fixture.regenerateOriginManifest()
    }

    func runFsck(on toplevel: String, name: String, fixture: PullFixture, extra: String = "") throws -> ProcessOutcome {
        fixture.dir.write("\(name)-fsck.conf", """
            [core]
            toplevel = \(toplevel)
            [fsck]
            statusfile = \(fixture.dir.path)/\(name)-status.js
            report_mailhost = 127.0.0.1:1
            \(extra)
            """)
        return try runProcess(Tools.ours("grok-fsck"), ["-c", fixture.dir.file("\(name)-fsck.conf"), "-f"])
    }
}
