import Foundation
import Testing
import TestSupport
import GrokKit

/// A tree of repositories with its manifest, a grok-fsck config (statusfile,
/// log, reports to a real SMTP listener when given) and helpers to run
/// grok-fsck and read what it left.
final class FsckFixture {
    let dir = TemporaryDirectory()
    var toplevel: String { dir.file("top") }
    var config: String { dir.file("fsck.conf") }
    var statusFile: String { dir.file("fsck.status.js") }
    var log: String { (try? String(contentsOfFile: dir.file("fsck.log"), encoding: .utf8)) ?? "" }
    let fsck = Tools.ours("grok-fsck")

    /// `repos` demo repositories (see scripts/make-origin.sh) under toplevel;
    /// none makes an empty toplevel.
    init(repos: Int = 4, mailhost: String = "127.0.0.1:1", extra: String = "") throws {
        if repos > 0 {
            try shell("\(Tools.packageRoot)/scripts/make-origin.sh '\(dir.file("top"))' \(repos)")
        } else {
            try FileManager.default.createDirectory(atPath: dir.file("top"), withIntermediateDirectories: true)
        }
        try updateManifest()
        writeConfig(mailhost: mailhost, extra: extra)
    }

    func writeConfig(mailhost: String, extra: String = "") {
        dir.write("fsck.conf", """
            [core]
            toplevel = \(toplevel)
            manifest = ${toplevel}/manifest.js.gz
            log = \(dir.path)/fsck.log
            [fsck]
            statusfile = \(statusFile)
            report_to = admin@example.org
            report_from = grok@example.org
            report_mailhost = \(mailhost)
            \(extra)
            """)
    }

    /// grok-manifest over the whole tree: entries and cached fingerprints.
    func updateManifest() throws {
        let run = try runProcess(Tools.ours("grok-manifest"), ["-m", toplevel + "/manifest.js.gz", "-t", toplevel, "-p"])
        guard run.status == 0 else { throw ShellError(script: "grok-manifest", status: run.status, stderr: run.stderr) }
    }

    @discardableResult
    func runFsck(_ extra: [String] = [], timeout: Double = 300) throws -> ProcessOutcome {
        try runProcess(fsck, ["-c", config, "-v"] + extra, timeout: timeout)
    }

    func status() throws -> FsckStatus {
        try FsckStatusFile(path: statusFile).read()
    }

    func git(_ repo: String, _ command: String) throws -> String {
        try shell("git --git-dir='\(repo)' \(command)").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func counts(_ repo: String) throws -> ObjectCounts {
        ObjectCounts(parsing: try git(repo, "count-objects -v"))
    }

    var today: String { CheckDate.today().description }

    /// Adds `count` blobs as loose objects, committed on a new branch (so
    /// nothing is unreachable), and refreshes the cached fingerprint.
    func addLooseObjects(_ repo: String, count: Int) throws {
        try shell("""
            export GIT_DIR='\(repo)'
            work=$(mktemp -d)
            for i in $(seq 1 \(count)); do echo "loose object $i $RANDOM" > "$work/f$i"; done
            ls "$work" | sed "s|^|$work/|" | git hash-object -w --stdin-paths > "$work.ids"
            paste -d' ' <(sed 's/^/100644 blob /' "$work.ids") <(seq 1 \(count) | sed 's/^/f/') | awk '{print $1" "$2" "$3"\\t"$4}' | git mktree > "$work.tree"
            c=$(git commit-tree -p master -m "many loose objects" $(cat "$work.tree"))
            git update-ref refs/heads/loose "$c"
            rm -rf "$work" "$work.ids" "$work.tree"
            """)
        try updateManifest()
    }
}
