import Foundation
import Testing
import TestSupport
import GrokKit

/// The push fixtures work with plain git: PushHTTPServer takes a push
/// with its credentials (in the URL or in ~/.netrc) and refuses one
/// without; SSHServer takes a push with its client key and refuses
/// another key.
@Suite(.serialized) struct PushServerFixtureTests {
    /// A scratch HOME (no global git config, no netrc unless written), a
    /// working repository with one commit on master in `work`, and an
    /// empty bare repository `root`/dst.git to push into.
    struct Scene {
        let dir = TemporaryDirectory()
        var home: String { dir.file("home") }
        var work: String { dir.file("work") }
        var root: String { dir.file("root") }
        var destination: String { root + "/dst.git" }

        init() throws {
            try shell("""
                mkdir -p '\(home)' '\(root)'
                git init -q -b master '\(work)'
                echo one > '\(work)/f'
                git -C '\(work)' add f
                git -C '\(work)' commit -qm one
                git init -q --bare '\(destination)'
                """)
        }

        /// Runs `script` in `work` with HOME at `home`, no system git
        /// config and no way to ask for a password.
        @discardableResult
        func git(_ script: String, environment: String = "", expectSuccess: Bool = true) throws -> String {
            try shell("""
                export HOME='\(home)' XDG_CONFIG_HOME='\(home)/.config' GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
                unset GIT_ASKPASS SSH_ASKPASS GIT_SSH GIT_SSH_COMMAND
                \(environment)
                \(script)
                """, in: work, expectSuccess: expectSuccess)
        }

        func local(_ ref: String = "master") throws -> String {
            try shell("git -C '\(work)' rev-parse --verify \(ref)").trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// The destination's value of `ref`, nil when it has none.
        func pushed(_ ref: String = "refs/heads/master") throws -> String? {
            let out = try shell("git --git-dir='\(destination)' rev-parse -q --verify '\(ref)' || true")
            let value = out.trimmingCharacters(in: .whitespacesAndNewlines)
            return value.isEmpty ? nil : value
        }

        func commit(_ text: String) throws {
            try shell("echo '\(text)' > f && git add f && git commit -qm '\(text)'", in: work)
        }
    }

    @Test func httpPushWithCredentialsInTheURL() throws {
        let scene = try Scene()
        let server = try PushHTTPServer(root: scene.root, password: "pa55-w0rd")
        try scene.git("git push -q '\(server.url("dst.git"))' master")
        #expect(try scene.pushed() == scene.local())
        #expect(server.accessLog.contains("\"POST /git/dst.git/git-receive-pack HTTP/1.1\" 200"), "\(server.accessLog)")
        #expect(server.accessLog.contains(" pusher ["))
        // A second commit goes the same way (an update, not a creation).
        try scene.commit("two")
        try scene.git("git push -q '\(server.url("/dst.git"))' master")
        #expect(try scene.pushed() == scene.local())
    }

    @Test func httpPushWithoutOrWithWrongCredentialsIsRefused() throws {
        let scene = try Scene()
        let server = try PushHTTPServer(root: scene.root, password: "right")
        let anonymous = try scene.git("git push '\(server.url("dst.git", credentials: false))' master 2>&1", expectSuccess: false)
        #expect(anonymous.contains("terminal prompts disabled"), "\(anonymous)")
        #expect(server.accessLog.contains("\"GET /git/dst.git/info/refs?service=git-receive-pack HTTP/1.1\" 401"), "\(server.accessLog)")
        let wrong = "http://pusher:wrong@127.0.0.1:\(server.port)/git/dst.git"
        let refused = try scene.git("git push '\(wrong)' master 2>&1", expectSuccess: false)
        #expect(refused.contains("Authentication failed"), "\(refused)")
        #expect(try scene.pushed() == nil)
        #expect(!server.accessLog.contains("POST"))
    }

    @Test func httpPushWithCredentialsFromNetrc() throws {
        let scene = try Scene()
        let server = try PushHTTPServer(root: scene.root, password: "from-netrc")
        try shell("""
            printf 'machine 127.0.0.1\\nlogin pusher\\npassword from-netrc\\n' > '\(scene.home)/.netrc'
            chmod 600 '\(scene.home)/.netrc'
            """)
        try scene.git("git push -q '\(server.url("dst.git", credentials: false))' master")
        #expect(try scene.pushed() == scene.local())
        // Without the netrc (a HOME without one) the same push is refused.
        try shell("rm '\(scene.home)/.netrc'")
        try scene.commit("two")
        try scene.git("git push -q '\(server.url("dst.git", credentials: false))' master", expectSuccess: false)
        #expect(try scene.pushed() == scene.local("master~1"))
    }

    /// More than http.postBuffer (1 MiB): git sends the pack chunked.
    @Test func httpPushOfALargePack() throws {
        let scene = try Scene()
        let server = try PushHTTPServer(root: scene.root, password: "big")
        try shell("head -c 24000000 /dev/urandom > big.bin && git add big.bin && git commit -qm big", in: scene.work)
        try scene.git("git push -q '\(server.url("dst.git"))' master")
        #expect(try scene.pushed() == scene.local())
        #expect(try shell("git --git-dir='\(scene.destination)' cat-file -s master:big.bin") == "24000000\n")
    }

    @Test func sshPushWithTheClientKeyAndNotAnother() throws {
        let scene = try Scene()
        let server = try SSHServer()
        #expect(server.url(scene.destination) == "ssh://\(server.user)@127.0.0.1:\(server.port)\(scene.destination)")
        try scene.git("git push -q '\(server.url(scene.destination))' master", environment: "export GIT_SSH_COMMAND=\"\(server.sshCommand)\"")
        #expect(try scene.pushed() == scene.local())
        #expect(server.log.contains("Accepted publickey for \(server.user)"), "\(server.log)")
        let first = try scene.local()
        try scene.commit("two")
        try shell("ssh-keygen -q -t ed25519 -N '' -f '\(scene.dir.file("other_key"))'")
        let other = SSHServer.sshCommand(identity: scene.dir.file("other_key"))
        let refused = try scene.git("git push '\(server.url(scene.destination))' master 2>&1", environment: "export GIT_SSH_COMMAND=\"\(other)\"", expectSuccess: false)
        #expect(refused.contains("Permission denied (publickey)"), "\(refused)")
        #expect(try scene.pushed() == first)
    }
}
