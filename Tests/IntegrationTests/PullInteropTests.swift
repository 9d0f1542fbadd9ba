import Foundation
import Testing
import TestSupport
import GrokKit

/// Mixed fleets: a reference origin feeding our replica, and the reference's
/// grok-pull replicating from our replica.
@Suite(.serialized) struct PullInteropTests {
    @Test func referenceManifestFeedsOurPull() throws {
        let f = try PullFixture(repos: 6)
        let generated = try runProcess(try Tools.reference("grok-manifest"), ["-m", f.origin + "/manifest.js.gz", "-t", f.origin])
        #expect(generated.status == 0, "\(generated.stderr)")
        try f.touchOriginManifest()
        let run = try f.runPull()
        #expect(run.status == 0, "\(run.stderr)")
        try f.expectMirrorEqualsOrigin()
        #expect(PathUtilities.realpath(f.mirror + "/pub/latest.git") == f.mirror + "/pub/project1/repo1.git")
    }

    @Test func referencePullReplicatesOurMirror() throws {
        let f = try PullFixture(repos: 6)
        #expect(try f.runPull().status == 0)
        let second = f.dir.file("second")
        try shell("mkdir -p '\(second)'")
        f.dir.write("ref.conf", """
            [core]
            toplevel = \(second)
            log = \(f.dir.path)/ref-pull.log
            [remote]
            site = file://\(f.mirror)
            manifest = file://\(f.mirror)/manifest.js.gz
            [pull]
            pull_threads = 2
            """)
        // grokmirror 2.0.12 may hang after a one-shot run; its work is done by then.
        let run = try runProcess(try Tools.reference("grok-pull"), ["-c", f.dir.file("ref.conf")], timeout: 120)
        #expect(run.status == 0 || run.status == 137, "\(run.stderr)")
        for gitdir in f.originRepos {
            #expect(try referenceFingerprint(second + gitdir) == (try referenceFingerprint(f.mirror + gitdir)), "\(gitdir)")
        }
        let theirs = try loadManifest(second + "/manifest.js.gz")
        let ours = try loadManifest(f.mirror + "/manifest.js.gz")
        #expect(Set(theirs.gitdirs) == Set(ours.gitdirs))
        // And our grok-pull takes over the reference's replica without refetching anything.
        f.dir.write("takeover.conf", (try String(contentsOfFile: f.dir.file("ref.conf"), encoding: .utf8)).replacingOccurrences(of: "ref-pull.log", with: "takeover.log"))
        let takeover = try runProcess(f.pull, ["-c", f.dir.file("takeover.conf"), "-v", "-n"])
        #expect(takeover.status == 0, "\(takeover.stderr)")
        #expect(!takeover.stderr.contains("fetch:"))
    }
}
