import Testing
import TestSupport
@testable import GrokKit

/// The files the tools keep under toplevel, found from the config, and the
/// remote entries that would collide with them.
@Suite struct ReservedPathTests {
    let top = TemporaryDirectory()

    @Test func everyConfiguredFileInsideToplevelIsReserved() throws {
        let mirror = top.file("mirror")
        try shell("mkdir -p '\(mirror)/state' && ln -s state '\(mirror)/linked'")
        let config = try GrokConfig(text: """
            [core]
            toplevel = \(mirror)
            log = ${toplevel}/pull.log
            [pull]
            projectslist = ${core:toplevel}/projects.list
            socket = \(top.path)/pull.sock
            [fsck]
            statusfile = \(mirror)/linked/fsck.status.js
            preload_bundle_outdir = \(mirror)/bundles
            """, path: top.file("grok.conf"))
        let reserved = Dictionary(ReservedPath.all(in: config).map { ($0.gitdir, $0.role) }, uniquingKeysWith: { a, _ in a })
        #expect(reserved == [
            "/manifest.js.gz": "the local manifest",
            "/.manifest.js.gz.lock": "the local manifest's lock",
            "/.manifest.js.gz.remote": "the remote manifest status file",
            "/.manifest.js.gz.stamps": "the manifest's fingerprint stamps",
            "/.manifest.js.gz.push": "the push state",
            "/..manifest.js.gz.push.lock": "the push state's lock",
            "/.manifest.js.gz.status.sqlite": "the status database",
            "/.manifest.js.gz.status.sqlite-wal": "the status database's log",
            "/.manifest.js.gz.status.sqlite-shm": "the status database's index",
            "/objstore": "the objstore directory",
            "/pull.log": "the log file",
            "/projects.list": "the projects list",
            // Through the symlink, where grok-fsck's writes land.
            "/state/fsck.status.js": "the fsck statusfile",
            "/state/.fsck.status.js.lock": "the fsck statusfile's lock",
            "/state/.fsck.status.js.journal": "the fsck statusfile's journal",
            "/bundles": "the preload bundle directory",
        ])
    }

    @Test func aPathCollidesWhenEqualInsideOrAbove() {
        let status = ReservedPath(gitdir: "/state/fsck.status.js", role: "the fsck statusfile")
        #expect(status.conflict(with: "/state/fsck.status.js") == "it is the fsck statusfile")
        #expect(status.conflict(with: "/state/fsck.status.js/x.git") == "it lies inside /state/fsck.status.js, the fsck statusfile")
        #expect(status.conflict(with: "/state") == "it would hold /state/fsck.status.js, the fsck statusfile")
        #expect(status.conflict(with: "/state/fsck.status.js.git") == nil)
        #expect(status.conflict(with: "/stat") == nil)
    }

    @Test func validatorNamesTheReservedFile() {
        let reserved = [ReservedPath(gitdir: "/fsck.status.js", role: "the fsck statusfile")]
        var entry = ManifestEntry()
        entry.fingerprint = String(repeating: "a", count: 40)
        let direct = RemoteEntryValidator.validate(gitdir: "/fsck.status.js", entry: entry, reserved: reserved)
        #expect(direct?.description == #"remote manifest entry "/fsck.status.js": it is the fsck statusfile, which the tools keep under toplevel"#)
        entry.symlinks = ["/fsck.status.js"]
        let viaLink = RemoteEntryValidator.validate(gitdir: "/pub/a.git", entry: entry, reserved: reserved)
        #expect(viaLink?.reason == "symlink /fsck.status.js: it is the fsck statusfile, which the tools keep under toplevel")
        #expect(RemoteEntryValidator.validate(gitdir: "/pub/a.git", entry: ManifestEntry(), reserved: reserved) == nil)
    }
}
