import Foundation
import Testing
import TestSupport
import GrokKit

/// Issue 15.1 end to end: an origin holding `café.git` in NFC and in NFD
/// publishes two entries, a replica creates, fetches, lists and checks two
/// repositories, and keys that are no valid UTF-8 are refused by name.
@Suite(.serialized) struct GitdirIdentityPullTests {
    let nfc = "/pub/caf\u{E9}.git"
    let nfd = "/pub/cafe\u{301}.git"

    func fingerprint(_ manifest: Manifest, _ gitdir: String) -> String? { manifest[Gitdir(gitdir)]?.fingerprint }

    @Test func canonicallyEqualRepositoriesAreTwoEverywhere() throws {
        let f = try PullFixture(repos: 2)
        try makeRepository(at: f.origin + nfc, commits: 2)
        try makeRepository(at: f.origin + nfd, commits: 5)
        try f.regenerateOriginManifest()
        let origin = try loadManifest(f.origin + "/manifest.js.gz")
        #expect(origin.count == 4)
        for gitdir in [nfc, nfd] { #expect(fingerprint(origin, gitdir) == (try referenceFingerprint(f.origin + gitdir)), "\(gitdir)") }
        #expect(fingerprint(origin, nfc) != fingerprint(origin, nfd))
        if let reference = try? Tools.reference("grok-manifest") {
            let theirs = f.dir.file("theirs.js")
            _ = try runProcess(reference, ["-m", theirs, "-t", f.origin])
            #expect(Set(try loadManifest(theirs).gitdirs) == Set(origin.gitdirs), "the reference lists both as well")
        }

        let run = try f.runPull()
        #expect(run.status == 0, "\(run.stderr)")
        for gitdir in [nfc, nfd] {
            #expect(BareRepository.isBare(f.mirror + gitdir), "\(gitdir) created")
            #expect(try referenceFingerprint(f.mirror + gitdir) == (try referenceFingerprint(f.origin + gitdir)), "\(gitdir) fetched")
        }
        let local = try loadManifest(f.mirror + "/manifest.js.gz")
        #expect(local.count == 4 && fingerprint(local, nfc) == fingerprint(origin, nfc) && fingerprint(local, nfd) == fingerprint(origin, nfd))
        let listed = (FileSystem.read(f.mirror + "/projects.list") ?? []).split(separator: UInt8(ascii: "\n")).map(Array.init)
        for gitdir in [nfc, nfd] { #expect(listed.contains(Array(gitdir.utf8.dropFirst())), "\(gitdir) in projects.list") }

        // A hook run on one spelling changes that entry only, and the
        // replica follows it.
        try shell("""
            work=$(mktemp -d) && git clone -q '\(f.origin + nfd)' "$work" && echo more > "$work/g" && git -C "$work" add g \
              && git -C "$work" commit -qm more && git -C "$work" push -q origin master && rm -rf "$work"
            """)
        let hook = try runProcess(f.manifestTool, ["-m", f.origin + "/manifest.js.gz", "-t", f.origin, "-n", f.origin + nfd])
        #expect(hook.status == 0, "\(hook.stderr)")
        try f.touchOriginManifest()
        let after = try loadManifest(f.origin + "/manifest.js.gz")
        #expect(fingerprint(after, nfc) == fingerprint(origin, nfc))
        #expect(fingerprint(after, nfd) == (try referenceFingerprint(f.origin + nfd)) && fingerprint(after, nfd) != fingerprint(origin, nfd))
        let again = try f.runPull()
        #expect(again.status == 0, "\(again.stderr)")
        try f.expectMirrorEqualsOrigin()

        // grok-fsck keeps one status record per spelling.
        let fsck = try f.runFsck(["-f"])
        #expect(fsck.status == 0, "\(fsck.stderr)")
        let status = try FsckStatus.decode(FileSystem.read(f.dir.file("fsck.status.js")) ?? [])
        for gitdir in [nfc, nfd] { #expect(status[f.mirror + gitdir]?.lastCheck != "never", "\(gitdir) checked") }
        #expect(status.paths.filter { !$0.contains("/objstore/") }.count == 4, "\(status.paths)")
    }

    /// Every run refuses the entries, saying `messages`, and exits 1, until
    /// the origin fixes its manifest.
    func expectRefusedEveryRun(_ f: PullFixture, _ messages: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        for attempt in 1...2 {
            let run = try f.runPull()
            #expect(run.status == 1, "run \(attempt): a refused entry is a failed run: \(run.stderr)", sourceLocation: sourceLocation)
            for message in messages {
                #expect(run.stderr.contains(message), "run \(attempt): \(message): \(run.stderr)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func keysThatAreNotUTF8AreRefusedByName() throws {
        let f = try PullFixture(repos: 2)
        #expect(try f.runPull().status == 0)
        let before = try f.mirrorSnapshot()
        let json = String(decoding: try Gzip.decompress(FileSystem.read(f.origin + "/manifest.js.gz")!), as: UTF8.self)
        let entry = "{\"fingerprint\": \"\(String(repeating: "a", count: 40))\", \"modified\": 1}"
        let hostile = "{\"/pub/x\\ud800.git\": \(entry), \"/pub/x\\udbff.git\": \(entry), " + json.dropFirst()
        FileSystem.write(Gzip.compress(Array(hostile.utf8)), to: f.origin + "/manifest.js.gz")
        try f.touchOriginManifest()
        try expectRefusedEveryRun(f, [#"remote manifest entry "/pub/x\ud800.git": not valid UTF-8"#,
                                      #"remote manifest entry "/pub/x\udbff.git": not valid UTF-8"#])
        #expect(try shell("find '\(f.mirror)' -name '*\u{FFFD}*'").isEmpty, "nothing created under a repaired name")
        let snapshot = try f.mirrorSnapshot()
        #expect(snapshot == before, "the mirror is untouched: \(snapshot) vs \(before)")
    }

    /// grokmirror 2.0.12 publishes a symlink `l\xff.git` as
    /// `"/pub/l\udcff.git"`: mirroring it would create `l\u{FFFD}.git`, a
    /// name that never existed.
    @Test func valuesThatAreNotUTF8AreRefusedByName() throws {
        let f = try PullFixture(repos: 2)
        #expect(try f.runPull().status == 0)
        try makeRepository(at: f.origin + "/pub/new.git")
        try makeRepository(at: f.origin + "/pub/other.git")
        try f.regenerateOriginManifest()
        let before = try f.mirrorSnapshot()
        var json = String(decoding: try Gzip.decompress(FileSystem.read(f.origin + "/manifest.js.gz")!), as: UTF8.self)
        let new = try #require(json.range(of: "\"/pub/new.git\": {"))
        json.insert(contentsOf: #""symlinks": ["/pub/l\udcff.git"], "#, at: new.upperBound)
        let other = try #require(json.range(of: "\"/pub/other.git\": {"))
        let reference = try #require(json.range(of: #""reference": null"#, range: other.upperBound..<json.endIndex))
        json.replaceSubrange(reference, with: #""reference": "/pub/b\udcff.git""#)
        FileSystem.write(Gzip.compress(Array(json.utf8)), to: f.origin + "/manifest.js.gz")
        try f.touchOriginManifest()
        try expectRefusedEveryRun(f, [#"remote manifest entry "/pub/new.git": a value is not valid UTF-8 after JSON decoding"#,
                                      #"remote manifest entry "/pub/other.git": a value is not valid UTF-8 after JSON decoding"#])
        #expect(try shell("find '\(f.mirror)' -name '*\u{FFFD}*' -o -name 'new.git' -o -name 'other.git'").isEmpty, "nothing created")
        #expect(try f.mirrorSnapshot() == before, "the mirror is untouched")
    }
}
