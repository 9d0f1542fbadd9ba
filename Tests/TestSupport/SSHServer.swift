import Foundation

/// A real sshd on 127.0.0.1, for pushes over ssh: its own config, a fresh
/// ed25519 host key and a fresh client key pair (the only authorized key)
/// in a scratch directory; public key login only, as the current user.
/// git reaches it with `GIT_SSH_COMMAND=sshCommand` and `url(_:)`.
/// Stopped on deinit.
package final class SSHServer: @unchecked Sendable {
    package let port: Int
    /// The user logged in as: whoever runs the tests.
    package let user: String
    package let workDirectory: TemporaryDirectory
    /// The private key sshd accepts (its public half is `clientKey`.pub).
    package let clientKey: String
    /// sshd's process group, killed whole by stop().
    private var group: Int32?

    /// For GIT_SSH_COMMAND: ssh with `clientKey` only, no config file, no
    /// agent keys, no host key check, never a prompt.
    package var sshCommand: String { Self.sshCommand(identity: clientKey) }
    /// What sshd logged (-E).
    package var log: String { (try? String(contentsOfFile: workDirectory.file("sshd.log"), encoding: .utf8)) ?? "" }

    package init() throws {
        workDirectory = TemporaryDirectory()
        port = try OriginServer.freePort()
        user = Self.currentUser()
        let dir = workDirectory.path
        clientKey = dir + "/client_key"
        try shell("""
            ssh-keygen -q -t ed25519 -N '' -C grokmirror-test-host -f '\(dir)/host_key'
            ssh-keygen -q -t ed25519 -N '' -C grokmirror-test-client -f '\(clientKey)'
            cp '\(clientKey).pub' '\(dir)/authorized_keys'
            """)
        workDirectory.write("sshd_config", """
            ListenAddress 127.0.0.1
            Port \(port)
            HostKey \(dir)/host_key
            AuthorizedKeysFile \(dir)/authorized_keys
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            StrictModes no
            PermitRootLogin prohibit-password
            PidFile \(dir)/sshd.pid
            """)
        try start()
    }

    /// `ssh://USER@127.0.0.1:PORT/<absolutePath>`.
    package func url(_ absolutePath: String) -> String {
        "ssh://\(user)@127.0.0.1:\(port)" + (absolutePath.hasPrefix("/") ? "" : "/") + absolutePath
    }

    /// A GIT_SSH_COMMAND like `sshCommand` but offering `identity` instead.
    package static func sshCommand(identity: String) -> String {
        "ssh -F /dev/null -i '\(identity)' -o IdentitiesOnly=yes -o IdentityAgent=none -o StrictHostKeyChecking=no"
            + " -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR -o ConnectTimeout=20"
    }

    package func stop() {
        if let group {
            kill(-group, SIGKILL)
            kill(group, SIGKILL)
        }
        group = nil
    }

    deinit { stop() }

    /// Runs sshd in the foreground (-D) as its own process group and waits
    /// until the port accepts connections.
    private func start() throws {
        let dir = workDirectory.path
        // As root sshd insists on its privilege separation directory.
        if getuid() == 0 { try shell("mkdir -p /run/sshd && chmod 755 /run/sshd") }
        // -E logs to the file; what sshd says before it reads its config
        // (a bad option, a missing directory) goes to stderr, kept there too.
        let logFile = "'\(dir)/sshd.log'"
        let pid = try shell("setsid /usr/sbin/sshd -D -f '\(dir)/sshd_config' -E \(logFile) </dev/null >/dev/null 2>>\(logFile) & echo $!")
        group = Int32(pid.trimmingCharacters(in: .whitespacesAndNewlines))
        for _ in 0..<200 {
            if OriginServer.accepts(port: port) { return }
            usleep(50_000)
        }
        stop()
        throw OriginServer.StartFailure(description: "sshd did not start on 127.0.0.1:\(port): \(log)")
    }

    private static func currentUser() -> String {
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "root"
    }
}
