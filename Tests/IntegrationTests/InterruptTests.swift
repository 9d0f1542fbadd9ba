import Foundation
import Testing
import TestSupport
import GrokKit

/// Every wait ends on SIGTERM or SIGINT: the tools are stopped while blocked
/// on a peer that never answers (or a child that ignores SIGTERM) and must
/// exit 0 within 5 s, keeping the work they completed. Without the
/// interruption each of these waits lasts a minute or more.
@Suite(.serialized) struct InterruptTests {
    /// How the interrupted process ended, and how long after the signal.
    struct Stopped {
        let outcome: ProcessOutcome
        let seconds: Double
    }

    /// Starts `argv`, waits (up to a minute) until `ready` holds and then
    /// `settle` seconds more, sends `signal` and waits for the exit (killing
    /// the process after 30 s).
    static func interrupt(_ argv: [String], environment: [String: String] = [:], signal: Int32 = SIGTERM, settle: Double = 0.5,
                          when ready: () -> Bool) throws -> Stopped {
        let child = try Spawn.start(argv, environment: environment)
        let isReady = waitUntil(timeout: 60, ready)
        usleep(useconds_t(settle * 1_000_000))
        let sent = Date()
        kill(child.pid, signal)
        let outcome = Spawn.wait(child, timeout: 30)
        let stopped = Stopped(outcome: outcome, seconds: Date().timeIntervalSince(sent))
        #expect(isReady, "never got to the wait: \(outcome.stderr)")
        print("interrupted \(PathUtilities.basename(argv[0])) \(argv.dropFirst().joined(separator: " ")): exit \(outcome.status) after \(stopped.seconds) s")
        return stopped
    }

    static func contents(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    /// A server that accepts connections and never says anything.
    static func silentServer() throws -> RawHTTPServer {
        try RawHTTPServer(response: [], closeAfterwards: false)
    }

    @Test func serviceStopsDuringAManifestFetchThatNeverAnswers() throws {
        let f = try PullFixture(repos: 1)
        let silent = try Self.silentServer()
        f.writeConfig(manifest: silent.url, extra: "refresh = 60")
        let stopped = try Self.interrupt([f.pull, "-c", f.config, "-v", "-o"]) {
            Self.contents(f.dir.file("pull.log")).contains(" manifest: fetching \(silent.url)")
        }
        #expect(stopped.outcome.status == 0, "\(stopped.outcome.stderr)")
        #expect(stopped.seconds < 5, "took \(stopped.seconds) s")
        #expect(!FileSystem.exists(f.mirror + "/manifest.js.gz"), "nothing was fetched")
    }

    @Test func oneShotPullStopsDuringAPreloadBundleDownload() throws {
        let f = try PullFixture(repos: 0)
        try ObjectStorePullTests().forkedOrigin(forks: 1, fixture: f)
        let silent = try Self.silentServer()
        f.writeConfig(extra: "")
        let config = try String(contentsOfFile: f.config, encoding: .utf8)
        f.dir.write("pull.conf", config.replacingOccurrences(of: "[remote]\n", with: "[remote]\npreload_bundle_url = http://127.0.0.1:\(silent.port)/bundles\n"))
        let stopped = try Self.interrupt([f.pull, "-c", f.config, "-v"], signal: SIGINT) {
            Self.contents(f.dir.file("pull.log")).contains(" objstore: downloading ")
        }
        #expect(stopped.outcome.status == 0, "\(stopped.outcome.stderr)")
        #expect(stopped.seconds < 5, "took \(stopped.seconds) s")
        #expect(!stopped.outcome.stderr.contains("successful preload"))
    }

    @Test func oneShotPullStopsAManifestCommandThatIgnoresSigterm() throws {
        let f = try PullFixture(repos: 1)
        let script = f.dir.file("manifest-cmd.sh")
        f.dir.write("manifest-cmd.sh", """
            #!/bin/sh
            trap '' TERM
            touch '\(f.dir.file("started"))'
            sleep 600
            """)
        try shell("chmod +x '\(script)'")
        f.writeConfig(extra: "")
        let config = try String(contentsOfFile: f.config, encoding: .utf8)
        f.dir.write("pull.conf", config.replacingOccurrences(of: "[remote]\n", with: "[remote]\nmanifest_command = \(script)\n"))
        let stopped = try Self.interrupt([f.pull, "-c", f.config, "-v"]) { FileSystem.exists(f.dir.file("started")) }
        #expect(stopped.outcome.status == 0, "\(stopped.outcome.stderr)")
        #expect(stopped.seconds < 5, "took \(stopped.seconds) s")
        #expect(!FileSystem.exists(f.mirror + "/manifest.js.gz"), "nothing was fetched")
    }

    /// The check of the third repository hangs in a git that ignores
    /// SIGTERM: it is killed, the two finished checks are in the status file
    /// and nothing is recorded against the third.
    @Test func fsckStopsAGitThatIgnoresSigtermAndSavesTheStatus() throws {
        let fixture = try FsckFixture(repos: 4)
        let counter = fixture.dir.file("fscks"), hanging = fixture.dir.file("hanging")
        fixture.dir.write("stubborn-git", """
            #!/bin/sh
            case " $* " in *" fsck "*)
              n=$(cat '\(counter)' 2>/dev/null || echo 0); n=$((n + 1)); echo $n > '\(counter)'
              if [ $n -eq 3 ]; then trap '' TERM; echo "$*" > '\(hanging)'; sleep 600; fi;;
            esac
            exec git "$@"
            """)
        try shell("chmod +x '\(fixture.dir.file("stubborn-git"))'")
        let stopped = try Self.interrupt([fixture.fsck, "-c", fixture.config, "-v", "-f"],
                                         environment: ["GITBIN": fixture.dir.file("stubborn-git")]) { FileSystem.exists(hanging) }
        #expect(stopped.outcome.status == 0, "\(stopped.outcome.stderr)")
        #expect(stopped.seconds < 5, "took \(stopped.seconds) s")
        #expect(!FileSystem.exists(FsckStatusJournal(statusFile: fixture.statusFile).path), "the status file was written at the end")
        let status = try fixture.status()
        #expect(status.paths.filter { status[$0]?.lastCheck == fixture.today }.count == 2)
        let hungRepository = Self.contents(hanging).split(separator: " ").first { $0.hasPrefix("--git-dir=") }.map { String($0.dropFirst(10)) } ?? ""
        #expect(!hungRepository.isEmpty)
        #expect(!FileSystem.exists(hungRepository + "/" + MarkerFile.fsckErrors), "an interrupted check is not an error")
    }

    /// The report goes to an SMTP server that never greets: the send is
    /// abandoned, the report is kept in the log, and the run still exits 0.
    @Test func fsckStopsDuringTheReportToASilentMailServer() throws {
        let silent = try Self.silentServer()
        let fixture = try FsckFixture(repos: 2, mailhost: "127.0.0.1:\(silent.port)")
        let blob = try FsckTests().corrupt(fixture.toplevel + "/pub/project1/repo1.git")
        let stopped = try Self.interrupt([fixture.fsck, "-c", fixture.config, "-v", "-f"]) {
            fixture.log.contains("Sending the error report to admin@example.org through 127.0.0.1:\(silent.port)")
        }
        #expect(stopped.outcome.status == 0, "\(stopped.outcome.stderr)")
        #expect(stopped.seconds < 5, "took \(stopped.seconds) s")
        #expect(fixture.log.contains("Could not send the error report to admin@example.org: cannot send mail through 127.0.0.1:\(silent.port): interrupted"))
        #expect(fixture.log.contains("The undelivered report follows:"))
        #expect(fixture.log.contains("missing blob \(blob)"))
        let status = try fixture.status()
        #expect(status.paths.filter { status[$0]?.lastCheck == fixture.today }.count == 2, "both checks were saved")
    }
}
