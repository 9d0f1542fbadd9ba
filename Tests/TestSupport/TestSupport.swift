import Foundation
import GrokKit

/// A scratch directory removed when the test ends.
public final class TemporaryDirectory {
    public let path: String

    public init() {
        let template = NSTemporaryDirectory() + "grokkit-test-XXXXXX"
        var bytes = Array(template.utf8CString)
        let made = mkdtemp(&bytes)!
        path = PathUtilities.realpath(String(cString: made))
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    public func file(_ relative: String) -> String { path + "/" + relative }

    public func write(_ relative: String, _ text: String) {
        let target = file(relative)
        try? FileManager.default.createDirectory(atPath: PathUtilities.dirname(target), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: target, contents: Data(text.utf8))
    }
}

/// Runs a shell script (with a fixed git identity) and returns its stdout.
@discardableResult
public func shell(_ script: String, in directory: String? = nil, expectSuccess: Bool = true) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-euo", "pipefail", "-c", script]
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    var environment = ProcessInfo.processInfo.environment
    for key in ["GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"] { environment[key] = "Test" }
    for key in ["GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"] { environment[key] = "test@example.org" }
    process.environment = environment
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    let errData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: outData, as: UTF8.self)
    if expectSuccess && process.terminationStatus != 0 {
        throw ShellError(script: script, status: process.terminationStatus, stderr: String(decoding: errData, as: UTF8.self))
    }
    return text
}

public struct ShellError: Error, CustomStringConvertible {
    let script: String
    let status: Int32
    let stderr: String
    public var description: String { "shell exited \(status): \(script)\n\(stderr)" }
}

/// A bare repository with `commits` commits on master, one more branch, and
/// an annotated tag, packed or loose as asked.
public func makeRepository(at path: String, commits: Int = 3, packed: Bool = true) throws {
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
public func referenceFingerprint(_ gitDir: String) throws -> String? {
    let out = try shell("out=$(git --git-dir='\(gitDir)' show-ref) || exit 0; printf '%s\\n' \"$out\"")
    guard !out.isEmpty else { return nil }
    return SHA1.hexDigest(of: Array(out.utf8))
}
