import Foundation
import GrokKit

/// What a finished process left behind.
public struct ProcessOutcome: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// Runs an executable with arguments (no shell), killing it after `timeout` seconds.
@discardableResult
public func runProcess(_ executable: String, _ arguments: [String], timeout: Double = 300, environment: [String: String] = [:]) throws -> ProcessOutcome {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    // Files, not pipes: nothing to drain, so no deadlock whatever the volume.
    let scratch = NSTemporaryDirectory() + "grokkit-proc-" + UUID().uuidString
    _ = FileManager.default.createFile(atPath: scratch + ".out", contents: nil)
    _ = FileManager.default.createFile(atPath: scratch + ".err", contents: nil)
    defer {
        try? FileManager.default.removeItem(atPath: scratch + ".out")
        try? FileManager.default.removeItem(atPath: scratch + ".err")
    }
    process.standardOutput = FileHandle(forWritingAtPath: scratch + ".out")
    process.standardError = FileHandle(forWritingAtPath: scratch + ".err")
    try process.run()
    let killer = DispatchWorkItem { if process.isRunning { process.terminate() } }
    DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
    process.waitUntilExit()
    killer.cancel()
    let outData = FileManager.default.contents(atPath: scratch + ".out") ?? Data()
    let errData = FileManager.default.contents(atPath: scratch + ".err") ?? Data()
    return ProcessOutcome(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
}

/// Where the binaries under test and the reference implementation live.
public enum Tools {
    /// The package root, found from this file's location.
    public static let packageRoot: String = {
        var path = #filePath
        for _ in 0..<3 { path = PathUtilities.dirname(path) }
        return path
    }()

    /// Our executables sit next to the test bundle in the build directory.
    public static func ours(_ name: String) -> String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = PathUtilities.dirname(exe)
        while !directory.isEmpty, directory != "/" {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = PathUtilities.dirname(directory)
        }
        return packageRoot + "/.build/debug/" + name
    }

    /// The reference grokmirror 2.0.12's bin directory: GROK_REFERENCE_BIN,
    /// else the virtualenv scripts/test.sh creates.
    public static var referenceBin: String {
        ProcessInfo.processInfo.environment["GROK_REFERENCE_BIN"] ?? packageRoot + "/.venv/bin"
    }

    public static func reference(_ name: String) throws -> String {
        let path = referenceBin + "/" + name
        guard FileManager.default.isExecutableFile(atPath: path) else { throw MissingReference(path: path) }
        return path
    }

    public struct MissingReference: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "the reference grokmirror is not installed at \(path); run scripts/test.sh (or scripts/install-deps.sh)" }
    }
}

/// Reads a manifest file with our decoder.
public func loadManifest(_ path: String) throws -> Manifest {
    try ManifestFile(path: path).read()
}
