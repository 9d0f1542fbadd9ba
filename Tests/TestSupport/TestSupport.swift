import Foundation
import GrokKit

/// A scratch directory removed when the test ends.
package final class TemporaryDirectory {
    package let path: String

    package init() {
        let template = NSTemporaryDirectory() + "grokkit-test-XXXXXX"
        var bytes = Array(template.utf8CString)
        let made = mkdtemp(&bytes)!
        path = PathUtilities.realpath(String(cString: made))
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    package func file(_ relative: String) -> String { path + "/" + relative }

    package func write(_ relative: String, _ text: String) {
        let target = file(relative)
        try? FileManager.default.createDirectory(atPath: PathUtilities.dirname(target), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: target, contents: Data(text.utf8))
    }
}

/// Runs a shell script (with a fixed git identity) and returns its stdout.
@discardableResult
package func shell(_ script: String, in directory: String? = nil, expectSuccess: Bool = true, timeout: Double = 600) throws -> String {
    let identity = ["GIT_AUTHOR_NAME": "Test", "GIT_COMMITTER_NAME": "Test",
                    "GIT_AUTHOR_EMAIL": "test@example.org", "GIT_COMMITTER_EMAIL": "test@example.org"]
    let body = directory.map { "cd '\($0)'\n" + script } ?? script
    let outcome = try Spawn.run(["/bin/bash", "-euo", "pipefail", "-c", body], environment: identity, timeout: timeout)
    if expectSuccess && outcome.status != 0 {
        throw ShellError(script: script, status: outcome.status, stderr: outcome.stderr)
    }
    return outcome.stdout
}

package struct ShellError: Error, CustomStringConvertible {
    package let script: String
    package let status: Int32
    package let stderr: String
    package init(script: String, status: Int32, stderr: String) {
        self.script = script
        self.status = status
        self.stderr = stderr
    }
    package var description: String { "shell exited \(status): \(script)\n\(stderr)" }
}

/// A bare repository with `commits` commits on master, one more branch, and
/// an annotated tag, packed or loose as asked.
package func makeRepository(at path: String, commits: Int = 3, packed: Bool = true) throws {
    try shell("""
        work=$(mktemp -d)
        git init -q -b master "$work"
        for i in $(seq 1 \(commits)); do echo "$i" > "$work/f"; git -C "$work" add f; git -C "$work" commit -qm "c$i"; done
        git -C "$work" branch dev
        git -C "$work" tag -a v1 -m v1
        git clone -q --bare "$work" '\(path)'
        rm -rf "$work"
        \(packed ? "git --git-dir='\(path)' repack -adq && git --git-dir='\(path)' pack-refs --all" : "true")
        """)
}

/// `git show-ref | sha1sum` the way grokmirror computes it; nil when git fails.
package func referenceFingerprint(_ gitDir: String) throws -> String? {
    let out = try shell("out=$(git --git-dir='\(gitDir)' show-ref) || exit 0; printf '%s\\n' \"$out\"")
    guard !out.isEmpty else { return nil }
    return SHA1.hexDigest(of: Array(out.utf8))
}
