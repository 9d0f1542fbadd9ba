import Glibc

/// Writes straight to file descriptor 2: usable from any isolation domain,
/// unlike the C `stderr` global, and unbuffered, so messages are never lost
/// on exit.
package enum StandardError {
    package static func write(_ line: String) {
        _ = FileSystem.writeAll(2, Array((line.hasSuffix("\n") ? line : line + "\n").utf8))
    }
}
