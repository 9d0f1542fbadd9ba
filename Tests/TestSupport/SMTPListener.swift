import Foundation
import GrokKit

/// A real SMTP server on 127.0.0.1 (aiosmtpd from the test virtualenv)
/// storing every message it accepts in a Maildir. Stopped on deinit.
package final class SMTPListener: @unchecked Sendable {
    package let port: Int
    package let directory = TemporaryDirectory()
    private var group: Int32 = 0

    package var address: String { "127.0.0.1:\(port)" }

    package init() throws {
        port = try OriginServer.freePort()
        let python = Tools.referenceBin + "/python"
        guard FileManager.default.isExecutableFile(atPath: python) else { throw Tools.MissingReference(path: python) }
        let maildir = directory.file("maildir")
        let pid = try shell("""
            setsid '\(python)' -m aiosmtpd -n -l 127.0.0.1:\(port) -c aiosmtpd.handlers.Mailbox '\(maildir)' \
              </dev/null >'\(directory.file("smtpd.log"))' 2>&1 & echo $!
            """)
        group = Int32(pid.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        for _ in 0..<200 {
            if OriginServer.accepts(port: port) { return }
            usleep(50_000)
        }
        stop()
        throw OriginServer.StartFailure(description: "aiosmtpd did not start on port \(port): \((try? String(contentsOfFile: directory.file("smtpd.log"), encoding: .utf8)) ?? "")")
    }

    /// Every message received so far, as raw text (with the X-MailFrom and
    /// X-RcptTo headers the Mailbox handler adds from the envelope).
    package var messages: [String] {
        let new = directory.file("maildir/new")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: new)) ?? []).sorted()
        return names.compactMap { try? String(contentsOfFile: new + "/" + $0, encoding: .utf8) }
    }

    package func stop() {
        guard group > 0 else { return }
        kill(-group, SIGKILL)
        kill(group, SIGKILL)
        group = 0
    }

    deinit { stop() }
}
