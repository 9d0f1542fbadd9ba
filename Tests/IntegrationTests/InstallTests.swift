import Foundation
import Testing
import TestSupport
import GrokKit

/// `make install` lays out what a distribution package needs, the man
/// pages document every option the tools accept, and the systemd units
/// pass `systemd-analyze verify` as installed.
@Suite struct InstallTests {
    static let tools = ["grok-manifest", "grok-pull", "grok-fsck", "grok-push", "grok-serve", "grok-dumb-pull", "grok-bundle", "grok-pi-piper", "grok-pi-indexer"]
    /// Tools the demo's synthetic origin gives nothing to do: it has no
    /// public-inbox archives (PiIndexerTests runs grok-pi-indexer end to end).
    static let notInDemo: Set<String> = ["grok-pi-indexer"]
    var binaries: String { PathUtilities.dirname(Tools.ours("grok-pull")) }

    /// libcurl is loaded by the first HTTP or SMTP transfer, not linked:
    /// no tool loads it, and its 28 libraries, at startup (ld.so's trace
    /// lists what a start loads, without running the tool).
    @Test func noToolLoadsLibcurlAtStartup() throws {
        for tool in Self.tools {
            let loaded = try runProcess(Tools.ours(tool), [], environment: ["LD_TRACE_LOADED_OBJECTS": "1"])
            #expect(loaded.stdout.contains("libc.so.6"), "\(tool): \(loaded.stdout) \(loaded.stderr)")
            #expect(!loaded.stdout.contains("libcurl"), "\(tool) loads libcurl at startup")
        }
    }

    @Test func stagedInstallUnderDestdir() throws {
        let dir = TemporaryDirectory()
        let stage = dir.file("stage")
        try shell("make -s -C '\(Tools.packageRoot)' install PREFIX=/usr/local DESTDIR='\(stage)' BINARIES='\(binaries)'")
        let prefix = stage + "/usr/local"
        var expected = [stage + "/etc/logrotate.d/grokmirror", prefix + "/lib/sysusers.d/grokmirror.conf",
                        prefix + "/share/doc/grokmirror-swift/grokmirror.conf.example"]
        for tool in Self.tools {
            expected += [prefix + "/bin/" + tool, prefix + "/share/man/man1/\(tool).1", prefix + "/share/bash-completion/completions/" + tool,
                         prefix + "/share/zsh/site-functions/_" + tool, prefix + "/share/fish/vendor_completions.d/\(tool).fish"]
        }
        for unit in ["grok-pull@.service", "grok-fsck@.service", "grok-fsck@.timer", "grok-serve@.service"] { expected.append(prefix + "/lib/systemd/system/" + unit) }
        for path in expected { #expect(FileSystem.isFile(path), "\(path)") }
        #expect(access(prefix + "/bin/grok-pull", X_OK) == 0)
        let unit = try String(contentsOfFile: prefix + "/lib/systemd/system/grok-pull@.service", encoding: .utf8)
        #expect(unit.contains("ExecStart=/usr/local/bin/grok-pull -o -c /etc/grokmirror/%i.conf"))
        #expect(!unit.contains("@BINDIR@"))
        let serve = try String(contentsOfFile: prefix + "/lib/systemd/system/grok-serve@.service", encoding: .utf8)
        #expect(serve.contains("ExecStart=/usr/local/bin/grok-serve -c /etc/grokmirror/%i.conf"))
        #expect(serve.contains("Type=notify") && serve.contains("ProtectSystem=strict"))
        #expect(!serve.split(separator: "\n").contains { $0.hasPrefix("ReadWritePaths") }, "grok-serve gets no write access to the mirror")
        for tool in Self.tools {
            let bash = try String(contentsOfFile: prefix + "/share/bash-completion/completions/" + tool, encoding: .utf8)
            #expect(bash.contains("--verbose"), "\(tool) bash completion")
            let fish = try String(contentsOfFile: prefix + "/share/fish/vendor_completions.d/\(tool).fish", encoding: .utf8)
            #expect(fish.contains("verbose"), "\(tool) fish completion")
        }
    }

    @Test func manPagesDocumentEveryOption() throws {
        for tool in Self.tools {
            let help = try runProcess(Tools.ours(tool), ["--help"]).stdout
            let page = try String(contentsOfFile: Tools.packageRoot + "/man/\(tool).1", encoding: .utf8).replacingOccurrences(of: "\\-", with: "-")
            let options = Set(help.split(whereSeparator: { " ,\n[]<>():".contains($0) }).filter { $0.hasPrefix("-") }.map(String.init))
            #expect(options.count >= 5, "\(tool): \(options)")
            for option in options { #expect(page.contains(option), "\(tool).1 does not document \(option)") }
            #expect(page.contains(".SH EXIT STATUS"))
        }
    }

    @Test func unitsVerifyAsInstalled() throws {
        let dir = TemporaryDirectory()
        let prefix = dir.file("usr")
        try shell("make -s -C '\(Tools.packageRoot)' install PREFIX='\(prefix)' SYSCONFDIR='\(dir.file("etc"))' BINARIES='\(binaries)'")
        // The instances resolve to the installed templates; MANPATH lets
        // verify find the Documentation= man pages.
        let verify = try shell("""
            cd '\(prefix)/lib/systemd/system' && MANPATH='\(prefix)/share/man' \
            systemd-analyze verify grok-pull@mirror.service grok-fsck@mirror.service grok-fsck@mirror.timer grok-serve@mirror.service 2>&1
            """)
        #expect(verify.isEmpty, "\(verify)")
    }

    /// The README's first command must work on a machine that never built
    /// the project: every tool scripts/demo.sh runs from the build folder is
    /// one it builds, and CI runs the demo from its clean clone.
    @Test func demoBuildsEveryToolItRuns() throws {
        let demo = try String(contentsOfFile: Tools.packageRoot + "/scripts/demo.sh", encoding: .utf8)
        let run = Set(demo.split(whereSeparator: { " \n\"'".contains($0) }).filter { $0.hasPrefix("$bin/grok-") }.map { String($0.dropFirst(5)) })
        #expect(run == Set(Self.tools).subtracting(Self.notInDemo), "the demo runs \(run.sorted())")
        let built = try shell("cd '\(Tools.packageRoot)' && grep -E '^[^#]*swift build' scripts/demo.sh")
        for tool in run { #expect(built.contains(tool), "scripts/demo.sh runs \(tool) without building it") }
        let ci = try String(contentsOfFile: Tools.packageRoot + "/.ci/run", encoding: .utf8)
        #expect(ci.split(separator: "\n").contains { $0.hasPrefix("scripts/demo.sh") }, ".ci/run does not run the demo")
    }
}
