import Foundation
import Testing
import TestSupport
import GrokKit

/// An origin tree served over HTTP by nginx, a mirror directory, and a
/// grok-pull config pointing one at the other.
final class PullFixture {
    let dir = TemporaryDirectory()
    var origin: String { dir.file("origin") }
    var mirror: String { dir.file("mirror") }
    var config: String { dir.file("pull.conf") }
    let server: OriginServer
    let pull = Tools.ours("grok-pull")
    let manifestTool = Tools.ours("grok-manifest")

    init(repos: Int = 8) throws {
        try shell(repos > 0 ? "\(Tools.packageRoot)/scripts/make-origin.sh '\(dir.file("origin"))' \(repos) && mkdir -p '\(dir.file("mirror"))'"
                            : "mkdir -p '\(dir.file("origin"))' '\(dir.file("mirror"))'")
        server = try OriginServer(root: dir.file("origin"))
        try regenerateOriginManifest()
        writeConfig()
    }

    private var generation = 0

    /// Rewrites the origin manifest with grok-manifest (full walk, purge).
    /// Tests delete origin repositories on purpose, a third of them at a
    /// time, so the walk's removal protection is overridden.
    func regenerateOriginManifest() throws {
        let run = try runProcess(manifestTool, ["-m", origin + "/manifest.js.gz", "-t", origin, "-p", "--force-purge"])
        guard run.status == 0 else { throw ShellError(script: "grok-manifest", status: run.status, stderr: run.stderr) }
        try touchOriginManifest()
    }

    /// HTTP dates have one-second resolution: move the manifest's mtime a
    /// few seconds further on each change, so a change made in the same
    /// second as the last fetch is still seen as newer.
    func touchOriginManifest() throws {
        generation += 3
        try shell("touch -d @$(( $(date +%s) + \(generation) )) '\(origin)/manifest.js.gz'")
    }

    func writeConfig(manifest: String? = nil, site: String? = nil, extra: String = "") {
        dir.write("pull.conf", """
            [core]
            toplevel = \(mirror)
            log = \(dir.path)/pull.log
            [remote]
            site = \(site ?? server.baseURL + "/git")
            manifest = \(manifest ?? server.baseURL + "/manifest.js.gz")
            [pull]
            projectslist = ${core:toplevel}/projects.list
            pull_threads = 2
            \(extra)
            """)
    }

    @discardableResult
    func runPull(_ extra: [String] = [], environment: [String: String] = [:]) throws -> ProcessOutcome {
        try runProcess(pull, ["-c", config, "-v"] + extra, timeout: 300, environment: environment)
    }

    /// grok-fsck over the mirror (its manifest, a statusfile beside the config).
    func runFsck(_ extra: [String] = []) throws -> ProcessOutcome {
        dir.write("fsck.conf", """
            [core]
            toplevel = \(mirror)
            log = \(dir.path)/fsck.log
            [fsck]
            statusfile = \(dir.path)/fsck.status.js
            """)
        return try runProcess(Tools.ours("grok-fsck"), ["-c", dir.file("fsck.conf")] + extra)
    }

    var originRepos: [String] {
        RepositoryWalker().findAll(under: origin).filter { !FileSystem.isSymlink($0) }.map { String($0.dropFirst(origin.count)) }
    }

    /// Every origin repository exists in the mirror with the same refs.
    func expectMirrorEqualsOrigin(sourceLocation: SourceLocation = #_sourceLocation) throws {
        for gitdir in originRepos {
            #expect(try referenceFingerprint(mirror + gitdir) == (try referenceFingerprint(origin + gitdir)), "\(gitdir)", sourceLocation: sourceLocation)
        }
    }

    /// Modification times of everything in the mirror, to prove nothing was
    /// touched. The status database (which records every manifest check,
    /// failed ones included, for grok-serve) is left out, as the log is.
    func mirrorSnapshot() throws -> String {
        try shell("cd '\(mirror)' && find . \\( -path ./pull.log -o -name '.manifest.js.gz.status.sqlite*' \\) -prune -o -printf '%p %T@ %s\\n' | sort")
    }
}
