/// `pi-piper.latest` in the repository: the id of the last commit whose
/// message was piped, without a newline, as grokmirror 2.0.12 writes it,
/// so either tool can take over from the other. Written atomically after
/// every piped message, so a run killed mid-way pipes nothing twice.
package struct TrackingFile: Sendable {
    package static let name = "pi-piper.latest"

    /// What the file holds.
    package enum State: Sendable, Equatable {
        case absent
        case commit(String)
        /// Neither a 40- nor a 64-hex-digit id (whitespace around it aside).
        case unreadable(String)
    }

    package let path: String

    package init(repo: String) { path = PathUtilities.join(repo, Self.name) }

    /// The contents, parsed. Only the first 4 KiB are read: an id is short.
    package func read() -> State {
        guard FileSystem.exists(path) else { return .absent }
        guard let bytes = FileSystem.read(path, limit: 4096) else { return .unreadable("cannot read it: \(FileSystem.errorDescription())") }
        return Self.parse(bytes)
    }

    /// Parses the file's bytes: an object id with optional surrounding
    /// whitespace (grokmirror strips it).
    package static func parse(_ bytes: [UInt8]) -> State {
        let text = PythonText.strip(String(decoding: bytes, as: UTF8.self))
        guard isObjectID(text) else {
            return .unreadable(text.isEmpty ? "it is empty" : "it does not hold a commit id")
        }
        return .commit(text)
    }

    /// A SHA-1 or SHA-256 object id in git's lower-case hex.
    static func isObjectID(_ text: String) -> Bool {
        let utf8 = Array(text.utf8)
        return Hex.isObjectID(utf8) || Hex.isObjectID(utf8, length: 64)
    }

    /// Replaces the file with `commit`. `first` is for the first write of
    /// a run, which also clears temp files a killed run left. The
    /// directory is not synced after each message: a power loss may bring
    /// back the previous id (whole), never a mix.
    package func write(_ commit: String, first: Bool) throws(AtomicFile.Failure) {
        try AtomicFile.replace(path, with: Array(commit.utf8), removeStaleTemporaries: first, syncDirectory: false)
    }
}
