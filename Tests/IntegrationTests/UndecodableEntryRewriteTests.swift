import Foundation
import Testing
import TestSupport
import GrokKit

/// A manifest member grokmirror 2.0.12 wrote for a name that is not UTF-8
/// (`"/r\udcfd.git"` for `r\xfd.git`) survives every rewrite by every tool,
/// byte for byte: without it, 2.0.12 replicas would purge the repository.
@Suite(.serialized) struct UndecodableEntryRewriteTests {
    /// The member, as json.dumps writes it.
    let kept = #""/r\udcfd.git": {"modified": 1, "fingerprint": "\#(String(repeating: "a", count: 40))", "#
        + #""head": "ref: refs/heads/master", "reference": null}"#

    /// Puts `kept` first in the JSON manifest at `path`, gzipped or not.
    func insertKept(into path: String) throws {
        let raw = try #require(FileSystem.read(path))
        let compressed = Gzip.looksCompressed(raw)
        let text = String(decoding: compressed ? try Gzip.decompress(raw) : raw, as: UTF8.self)
        #expect(text.hasPrefix("{\""))
        let spliced = Array(("{" + kept + ", " + text.dropFirst()).utf8)
        FileSystem.write(compressed ? Gzip.compress(spliced) : spliced, to: path)
    }

    func text(_ path: String) throws -> String {
        let raw = try #require(FileSystem.read(path))
        return String(decoding: Gzip.looksCompressed(raw) ? try Gzip.decompress(raw) : raw, as: UTF8.self)
    }

    @Test func grokManifestKeepsItThroughHookRunsWalksAndRemovals() throws {
        let dir = TemporaryDirectory()
        let top = dir.file("origin"), manifest = dir.file("manifest.js"), ours = Tools.ours("grok-manifest")
        try shell("\(Tools.packageRoot)/scripts/make-origin.sh '\(top)' 4 && git init -q --bare '\(top)'/r$'\\xfd'.git")
        #expect(try runProcess(ours, ["-m", manifest, "-t", top]).status == 0)
        try insertKept(into: manifest)
        let runs: [(String, [String])] = [
            ("hook on another repository", ["-n", top + "/pub/project1/repo1.git"]),
            ("full walk", ["-p"]),
            ("pretty full walk", ["-p", "-y"]),
            ("removal of another repository", ["-x", top + "/pub/project2/repo2.git"]),
            ("compact hook", ["-n", top + "/pub/project3/repo3.git"]),
        ]
        for (name, extra) in runs {
            let run = try runProcess(ours, ["-m", manifest, "-t", top, "-v"] + extra)
            #expect(run.status == 0, "\(name): \(run.stderr)")
            #expect(run.stderr.contains(#"Keeping 1 manifest entry unchanged ("/r\udcfd.git")"#), "\(name) says so: \(run.stderr)")
            #expect(try text(manifest).contains(kept), "\(name) kept it byte for byte")
        }
        #expect(try loadManifest(manifest).count == 3, "repo2 removed; the kept member is no entry")
        // grokmirror 2.0.12 reads what we wrote, and keeps it too.
        if let reference = try? Tools.reference("grok-manifest") {
            let run = try runProcess(reference, ["-m", manifest, "-t", top, "-y", "-n", top + "/pub/project1/repo1.git"])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(try text(manifest).contains(#""/r\udcfd.git": {"#), "the reference kept it")
        }
    }

    @Test func grokPullCheckpointsAndGrokFsckKeepItInTheLocalManifest() throws {
        let f = try PullFixture(repos: 2)
        #expect(try f.runPull().status == 0)
        let local = f.mirror + "/manifest.js.gz"
        // As a 2.0.12 replica that mirrored r\xfd.git left it.
        try insertKept(into: local)
        try shell("""
            work=$(mktemp -d) && git clone -q '\(f.origin)/pub/project1/repo1.git' "$work" && echo more > "$work/g" && git -C "$work" add g \
              && git -C "$work" commit -qm more && git -C "$work" push -q origin master && rm -rf "$work"
            """)
        try f.regenerateOriginManifest()
        let pull = try f.runPull()
        #expect(pull.status == 0, "\(pull.stderr)")
        #expect(pull.stderr.contains(" manifest: wrote "), "a checkpoint was written: \(pull.stderr)")
        #expect(try text(local).contains(kept), "grok-pull's checkpoint kept it")
        try f.expectMirrorEqualsOrigin()

        try shell("rm -rf '\(f.mirror)/pub/project2/repo2.git'")
        let fsck = try f.runFsck()
        #expect(fsck.status == 0, "\(fsck.stderr)")
        let after = try text(local)
        #expect(!after.contains("repo2.git"), "grok-fsck rewrote the manifest without the repository gone from disk")
        #expect(after.contains(kept), "grok-fsck kept it")
    }
}
