import Foundation
import GrokKit

/// What a finished process left behind.
package struct ProcessOutcome: Sendable {
    package let status: Int32
    package let stdout: String
    package let stderr: String
}

/// Runs an executable with arguments (no shell), killing it after `timeout` seconds.
@discardableResult
package func runProcess(_ executable: String, _ arguments: [String], timeout: Double = 300, environment: [String: String] = [:]) throws -> ProcessOutcome {
    try Spawn.run([executable] + arguments, environment: environment, timeout: timeout)
}

/// Where the binaries under test and the reference implementation live.
package enum Tools {
    /// The package root, found from this file's location.
    package static let packageRoot: String = {
        var path = #filePath
        for _ in 0..<3 { path = PathUtilities.dirname(path) }
        return path
    }()

    /// Our executables sit next to the test bundle in the build directory.
    package static func ours(_ name: String) -> String {
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
    package static var referenceBin: String {
        ProcessInfo.processInfo.environment["GROK_REFERENCE_BIN"] ?? packageRoot + "/.venv/bin"
    }

    package static func reference(_ name: String) throws -> String {
        let path = referenceBin + "/" + name
        guard FileManager.default.isExecutableFile(atPath: path) else { throw MissingReference(path: path) }
        return path
    }

    package struct MissingReference: Error, CustomStringConvertible {
        package let path: String
        package var description: String { "the reference grokmirror is not installed at \(path); run scripts/test.sh (or scripts/install-deps.sh)" }
    }
}

/// Reads a manifest file with our decoder.
package func loadManifest(_ path: String) throws -> Manifest {
    try ManifestFile(path: path).read()
}
