import Glibc

/// An objstore repository's blobs and their sizes, for the `blobs` merge
/// strategy, cached in `grokmirror.blobs` for 30 days as grokmirror does
/// (listing every object of a large repository is slow).
package struct BlobInventory: Sendable {
    static let header = "# Blobs and sizes used for sibling calculation\n"
    static let maximumAge = 30 * 86400
    let git: GitRunner

    package init(git: GitRunner) { self.git = git }

    /// hash → size; empty when git fails.
    package func of(_ fullpath: String) async -> [String: Int] {
        let cache = fullpath + "/grokmirror.blobs"
        if let modified = FileSystem.modificationTime(cache), modified < Int(time(nil)) - Self.maximumAge { unlink(cache) }
        if let text = FileSystem.readString(cache) { return Self.parse(text) }
        guard let result = try? await git.run(gitDir: fullpath, ["cat-file", "--batch-all-objects", "--batch-check", "--unordered"]),
              result.succeeded else { return [:] }
        var blobs: [String: Int] = [:]
        var text = Self.header
        for line in result.output.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: " ")
            guard fields.count == 3, fields[1] == "blob", let size = Int(fields[2]) else { continue }
            blobs[String(fields[0])] = size
            text += "\(fields[0]) \(size)\n"
        }
        AtomicFile.write(Array(text.utf8), to: cache)
        return blobs
    }

    static func parse(_ text: String) -> [String: Int] {
        var blobs: [String: Int] = [:]
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let fields = line.split(separator: " ")
            if fields.count >= 2, let size = Int(fields[1]) { blobs[String(fields[0])] = size }
        }
        return blobs
    }
}
