import Foundation
import Testing
import TestSupport
import GrokKit

/// Remote manifests whose size or shape would make grok-pull spend minutes
/// before git even starts: each must be answered in seconds.
@Suite(.serialized) struct PullScaleTests {
    /// A manifest of `/d/d/…/x.git` entries, `depth` components deep, and
    /// `count` ordinary new entries, as a plain JSON file.
    static func writeManifest(_ path: String, count: Int = 0, deep depth: Int? = nil) {
        let fingerprint = String(repeating: "ab", count: 20)
        var text = "{"
        text.reserveCapacity(count * 120 + 4096)
        var first = true
        func add(_ gitdir: String) {
            if !first { text += "," }
            first = false
            text += "\"\(gitdir)\":{\"fingerprint\":\"\(fingerprint)\",\"modified\":1700000000,\"description\":\"d\",\"head\":\"ref: refs/heads/master\"}"
        }
        if let depth { add(String(repeating: "/d", count: depth - 1) + "/x.git") }
        for index in 0..<count { add("/g\(index / 1000)/r\(index).git") }
        text += "}"
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    }

    /// An entry 1000 components deep (16 s of failing `readlink` calls
    /// before) is rejected by name at once, and nothing is created for it.
    @Test func deepGitdirIsRejectedFast() throws {
        let f = try PullFixture(repos: 0)
        Self.writeManifest(f.dir.file("deep.js"), deep: 1000)
        f.writeConfig(manifest: "file://" + f.dir.file("deep.js"))
        let started = Date()
        let run = try f.runPull()
        let seconds = Date().timeIntervalSince(started)
        print("deep gitdir: exit \(run.status) after \(seconds) s")
        #expect(run.status == 1, "\(run.stderr)")
        #expect(seconds < 5, "took \(seconds) s")
        #expect(run.stderr.contains("at most \(Gitdir.maximumDepth) components"), "\(run.stderr)")
        #expect(!FileSystem.exists(f.mirror + "/d"))
    }

    /// SIGTERM while 200,000 new entries are planned ends grok-pull within
    /// seconds (about 2 on a quiet 2-core machine; the bound is 10 s for a
    /// loaded one), exit 0, with no temp file, no torn manifest and the manifest not
    /// recorded as done: 1 s after the fetch starts (the manifest is being
    /// culled) and 3 s after the plan is logged (its jobs are being queued,
    /// which was quadratic: minutes deaf to the signal).
    @Test(arguments: [(" manifest: fetching ", 1.0), (" manifest: 200000 new updates", 3.0)])
    func sigtermDuringPlanningOfAHugeManifest(signalAfter marker: String, settle: Double) throws {
        let f = try PullFixture(repos: 0)
        Self.writeManifest(f.dir.file("huge.js"), count: 200_000)
        f.writeConfig(manifest: "file://" + f.dir.file("huge.js"))
        let stopped = try InterruptTests.interrupt([f.pull, "-c", f.config, "-v"], settle: settle) {
            InterruptTests.contents(f.dir.file("pull.log")).contains(marker)
        }
        #expect(stopped.outcome.status == 0, "\(stopped.outcome.stderr.suffix(2000))")
        #expect(stopped.seconds < 10, "took \(stopped.seconds) s")
        #expect(!FileSystem.exists(RemoteManifestStatus.path(forLocalManifest: f.mirror + "/manifest.js.gz")))
        if FileSystem.exists(f.mirror + "/manifest.js.gz") { _ = try loadManifest(f.mirror + "/manifest.js.gz") }
        #expect(try shell("find '\(f.mirror)' -name '*.tmp.*'").isEmpty)
    }
}
