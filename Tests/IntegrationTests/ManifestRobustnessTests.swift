import Foundation
import Testing
import TestSupport
import GrokKit

/// Concurrency and crash safety of manifest writes, with real processes.
@Suite(.serialized) struct ManifestRobustnessTests {
    let dir = TemporaryDirectory()
    var top: String { dir.file("origin") }
    let ours = Tools.ours("grok-manifest")

    @Test func twentyConcurrentHookRunsLoseNoUpdate() async throws {
        try shell("\(Tools.packageRoot)/scripts/make-origin.sh '\(top)' 20")
        let manifest = dir.file("manifest.js.gz")
        #expect(try runProcess(ours, ["-m", manifest, "-t", top]).status == 0)
        let repos = (1...20).map { "\(top)/pub/project\($0 % 8)/repo\($0).git" }
        for repo in repos {
            try shell("git --git-dir='\(repo)' update-ref refs/heads/pushed \"$(git --git-dir='\(repo)' rev-parse master)\"")
        }
        let binary = ours
        let toplevel = top
        try await withThrowingTaskGroup(of: Int32.self) { group in
            for repo in repos {
                group.addTask { try runProcess(binary, ["-m", manifest, "-t", toplevel, "-n", repo]).status }
            }
            for try await status in group { #expect(status == 0) }
        }
        let result = try loadManifest(manifest)
        for (index, repo) in repos.enumerated() {
            let gitdir: Gitdir = "/pub/project\((index + 1) % 8)/repo\(index + 1).git"
            #expect(result[gitdir]?.fingerprint == (try referenceFingerprint(repo)), "\(gitdir)")
        }
    }

    @Test func killedWriterNeverLeavesACorruptManifest() throws {
        try shell("\(Tools.packageRoot)/scripts/make-origin.sh '\(top)' 3")
        let manifest = dir.file("manifest.js.gz")
        // A large manifest makes each write take long enough to be killed mid-way.
        var big = Manifest()
        for i in 0..<30_000 {
            var entry = ManifestEntry()
            entry.modified = 1_600_000_000 + i
            entry.fingerprint = SHA1.hexDigest(of: Array("\(i)".utf8))
            entry.head = "ref: refs/heads/master"
            entry.description = "Synthetic repository number \(i)"
            entry.reference = nil
            big["/synthetic/group\(i % 100)/repo\(i).git"] = entry
        }
        try ManifestFile(path: manifest).write(big, pretty: false)
        let repo = "\(top)/pub/project1/repo1.git"
        for attempt in 0..<25 {
            let writer = try Spawn.start([ours, "-m", manifest, "-t", top, "-n", repo])
            usleep(useconds_t(2_000 + (attempt * 7_919) % 120_000))
            kill(writer.pid, SIGKILL)
            _ = Spawn.wait(writer, timeout: 10)
            let current = try loadManifest(manifest)
            #expect(current.count == 30_000 || current.count == 30_001, "attempt \(attempt)")
        }
        // The next run repairs: it completes and cleans up temporary files of killed writers.
        #expect(try runProcess(ours, ["-m", manifest, "-t", top, "-n", repo]).status == 0)
        #expect(try loadManifest(manifest).contains("/pub/project1/repo1.git"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp.") }
        #expect(leftovers.isEmpty)
    }

    @Test func hookUpdateOnThirtyThousandEntriesIsFast() throws {
        try shell("\(Tools.packageRoot)/scripts/make-origin.sh '\(top)' 3")
        let manifest = dir.file("manifest.js.gz")
        var big = Manifest()
        for i in 0..<30_000 {
            var entry = ManifestEntry()
            entry.fingerprint = SHA1.hexDigest(of: Array("\(i)".utf8))
            big["/synthetic/repo\(i).git"] = entry
        }
        try ManifestFile(path: manifest).write(big, pretty: false)
        let run = try runProcess(ours, ["-m", manifest, "-t", top, "-n", "\(top)/pub/project1/repo1.git"], timeout: 60)
        #expect(run.status == 0)
        #expect(try loadManifest(manifest).count == 30_001)
    }
}
