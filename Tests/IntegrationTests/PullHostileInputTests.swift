import Foundation
import Testing
import TestSupport
import GrokKit

/// The remote manifest and the origin server are untrusted: broken or
/// malicious input must fail clearly, touch nothing outside toplevel, and
/// never purge.
@Suite(.serialized) struct PullHostileInputTests {
    /// A mirrored fixture with purge enabled, so a wrongly empty manifest would show.
    func mirrored() throws -> PullFixture {
        let f = try PullFixture(repos: 4)
        f.writeConfig(extra: "purge = yes\npurgeprotect = 99")
        let first = try f.runPull()
        #expect(first.status == 0, "\(first.stderr)")
        return f
    }

    func serveManifest(_ f: PullFixture, _ bytes: [UInt8]) throws {
        FileSystem.write(bytes, to: f.origin + "/manifest.js.gz")
        try f.touchOriginManifest()
    }

    @Test func unusableManifestsFailWithExit2AndTouchNothing() throws {
        let f = try mirrored()
        let before = try f.mirrorSnapshot()
        let good = FileSystem.read(f.origin + "/manifest.js.gz")!
        let json = try Gzip.decompress(good)
        let cases: [(String, [UInt8])] = [
            ("empty object", Gzip.compress(Array("{}".utf8))),
            ("empty file", []),
            ("truncated gzip", Array(good.prefix(good.count / 2))),
            ("truncated json", Gzip.compress(Array(json.prefix(json.count / 2)))),
            ("not json", Gzip.compress(Array("<html>502 Bad Gateway</html>".utf8))),
            ("a list", Gzip.compress(Array("[\"/pub/a.git\"]".utf8))),
            ("entry not an object", Gzip.compress(Array("{\"/pub/a.git\": \"x\"}".utf8))),
            ("gzip bomb", Gzip.compress([UInt8](repeating: 0x20, count: 600 << 20), level: 9)),
        ]
        for (name, bytes) in cases {
            try serveManifest(f, bytes)
            let run = try f.runPull()
            #expect(run.status == 2, "\(name): \(run.stderr)")
            #expect(run.stderr.contains("manifest"), "\(name) names the manifest: \(run.stderr)")
            #expect(!run.stderr.contains("purge:"), "\(name)")
            #expect(try f.mirrorSnapshot() == before, "\(name) touched the mirror")
        }
    }

    @Test func httpErrorsAndBrokenServersFailWithExit2() throws {
        let f = try mirrored()
        let before = try f.mirrorSnapshot()
        f.writeConfig(manifest: f.server.baseURL + "/no/such/manifest.js.gz", extra: "purge = yes")
        let missing = try f.runPull()
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("HTTP 404"))
        let errorServer = try RawHTTPServer(response: Array("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n".utf8))
        f.writeConfig(manifest: errorServer.url, extra: "purge = yes")
        let failing = try f.runPull()
        #expect(failing.status == 2)
        #expect(failing.stderr.contains("HTTP 500"))
        let closing = try RawHTTPServer(response: Array("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\nLast-Modified: Sat, 21 Nov 2026 10:00:00 GMT\r\n\r\n{\"/pub/a.git\": {".utf8))
        f.writeConfig(manifest: closing.url, extra: "purge = yes")
        let cut = try f.runPull()
        #expect(cut.status == 2)
        #expect(cut.stderr.contains(closing.url))
        #expect(try f.mirrorSnapshot() == before)
    }

    @Test func maliciousEntriesAreRejectedAndNothingOutsideToplevelIsTouched() throws {
        let f = try PullFixture(repos: 3)
        let victim = f.dir.file("victim")
        try shell("mkdir -p '\(victim)/precious' && echo keep > '\(victim)/precious/file'")
        var manifest = try loadManifest(f.origin + "/manifest.js.gz")
        let template = manifest["/pub/project1/repo1.git"]!
        func hostile(_ mutate: (inout ManifestEntry) -> Void) -> ManifestEntry {
            var entry = template
            entry.symlinks = []
            mutate(&entry)
            return entry
        }
        manifest["/pub/project1/repo1.git"] = hostile { $0.symlinks = ["/../victim/precious"] }
        manifest["/../victim/precious"] = hostile { _ in }
        manifest["/pub//double.git"] = hostile { _ in }
        manifest["/pub/ctrl\u{1}.git"] = hostile { _ in }
        manifest["/pub/evil-head.git"] = hostile { $0.head = "ref: refs/heads/x\n[core]\n\tworktree = /" }
        manifest["/pub/evil-owner.git"] = hostile { $0.owner = "x\n[core]\n\tbare = false" }
        manifest["/objstore/steal.git"] = hostile { _ in }
        try ManifestFile(path: f.origin + "/manifest.js.gz").write(manifest, pretty: false)
        try f.touchOriginManifest()
        f.writeConfig(extra: "purge = yes")
        let run = try f.runPull()
        #expect(run.status == 1)
        for gitdir in ["/pub/project1/repo1.git", "/../victim/precious", "/pub//double.git", "/pub/evil-head.git", "/pub/evil-owner.git", "/objstore/steal.git"] {
            #expect(run.stderr.contains("remote manifest entry \(gitdir.debugDescription)"), "\(gitdir) named in: \(run.stderr)")
        }
        #expect(run.stderr.contains("Not purging"))
        #expect(FileSystem.readString(victim + "/precious/file") == "keep\n")
        #expect(!FileSystem.exists(f.mirror + "/pub/evil-head.git"))
        #expect(!FileSystem.exists(f.mirror + "/objstore"))
        // The valid entries were still mirrored.
        #expect(try referenceFingerprint(f.mirror + "/pub/project2/repo2.git") == (try referenceFingerprint(f.origin + "/pub/project2/repo2.git")))
    }

    /// A forkgroup names `<objstore>/<forkgroup>.git`: one that climbs out
    /// (`../../escape`) or into a repository is rejected by name, and no
    /// objstore repository or lock is made anywhere for it.
    @Test func forkgroupsThatAreNoPlainNameAreRejected() throws {
        let f = try PullFixture(repos: 3)
        var manifest = try loadManifest(f.origin + "/manifest.js.gz")
        manifest["/pub/project1/repo1.git"]!.forkgroup = "../../escape"
        manifest["/pub/project2/repo2.git"]!.forkgroup = "../pub/project3/repo3"
        try ManifestFile(path: f.origin + "/manifest.js.gz").write(manifest, pretty: false)
        try f.touchOriginManifest()
        let run = try f.runPull()
        #expect(run.status == 1, "\(run.stderr)")
        for gitdir in ["/pub/project1/repo1.git", "/pub/project2/repo2.git"] {
            #expect(run.stderr.contains("remote manifest entry \"\(gitdir)\": forkgroup is not a plain name"), "\(run.stderr)")
            #expect(!FileSystem.exists(f.mirror + gitdir), "\(gitdir) not cloned")
        }
        let strays = try shell("cd '\(f.dir.path)' && find . -name '*escape*' -o -path './mirror/pub/project3/repo3.git/refs/virtual' -o -name grokmirror.objstore")
        #expect(strays.isEmpty, "nothing made for the hostile forkgroups: \(strays)")
        #expect(try referenceFingerprint(f.mirror + "/pub/project3/repo3.git") == (try referenceFingerprint(f.origin + "/pub/project3/repo3.git")))
    }

    /// A replica gitdir naming a file the tools keep in toplevel (grok-fsck's
    /// statusfile, the local manifest, projects.list) is rejected by name,
    /// nothing is written there, and grok-fsck keeps working.
    @Test func entriesNamingTheToolsOwnFilesAreRejectedAndFsckStillRuns() throws {
        let f = try PullFixture(repos: 3)
        // A real repository at the statusfile's name, so an unguarded pull clones it.
        try shell("cp -a '\(f.origin)/pub/project1/repo1.git' '\(f.origin)/fsck.status.js'")
        var manifest = try loadManifest(f.origin + "/manifest.js.gz")
        var template = manifest["/pub/project1/repo1.git"]!
        template.symlinks = []
        manifest["/fsck.status.js"] = template
        manifest["/manifest.js.gz"] = template
        manifest["/pub/project2/repo2.git"]!.symlinks = ["/projects.list"]
        try ManifestFile(path: f.origin + "/manifest.js.gz").write(manifest, pretty: false)
        try f.touchOriginManifest()
        let statusFile = f.mirror + "/fsck.status.js"
        f.writeConfig(extra: """
            [fsck]
            statusfile = \(statusFile)
            report_to = admin@example.org
            report_mailhost = 127.0.0.1:1
            """)
        let run = try f.runPull()
        #expect(run.status == 1)
        #expect(run.stderr.contains(#"remote manifest entry "/fsck.status.js": it is the fsck statusfile"#), "\(run.stderr)")
        #expect(run.stderr.contains(#"remote manifest entry "/manifest.js.gz": it is the local manifest"#), "\(run.stderr)")
        #expect(run.stderr.contains(#"remote manifest entry "/pub/project2/repo2.git": symlink /projects.list: it is the projects list"#),
                "\(run.stderr)")
        #expect(!FileSystem.exists(statusFile))
        #expect(FileSystem.isFile(f.mirror + "/projects.list"))
        let local = try loadManifest(f.mirror + "/manifest.js.gz")
        #expect(local["/fsck.status.js"] == nil && local["/manifest.js.gz"] == nil)
        #expect(try referenceFingerprint(f.mirror + "/pub/project1/repo1.git") == (try referenceFingerprint(f.origin + "/pub/project1/repo1.git")))

        for round in 1...2 {
            let fsck = try runProcess(Tools.ours("grok-fsck"), ["-c", f.config, "-v", "-f"], timeout: 300)
            #expect(fsck.status == 0, "grok-fsck run \(round): \(fsck.stderr)")
            #expect(FileSystem.isFile(statusFile), "grok-fsck run \(round) wrote its statusfile")
        }
    }

    @Test func symlinkedDirectoryInTheMirrorCannotRedirectWrites() throws {
        let f = try PullFixture(repos: 3)
        let outside = f.dir.file("outside")
        try shell("mkdir -p '\(outside)' && ln -s '\(outside)' '\(f.mirror)/pub'")
        let run = try f.runPull()
        #expect(run.status == 1)
        #expect(run.stderr.contains("outside toplevel"))
        #expect(FileSystem.listDirectory(outside)?.isEmpty == true)
    }
}
