/// `grokmirror.fingerprint`: the fingerprint grok-manifest and grok-pull
/// record after every change, which pull planning and fsck scheduling use
/// instead of reading refs again.
package enum CachedFingerprint {
    package static func read(_ fullpath: String) -> String? {
        FileSystem.read(fullpath + "/" + MarkerFile.fingerprint, limit: 64).flatMap { Hex.isObjectID($0) ? String(decoding: $0, as: UTF8.self) : nil }
    }

    /// The cached value, or the refs' fingerprint recorded now (as the
    /// reference's get_repo_fingerprint does); nil for a repo without refs.
    package static func readOrRecord(_ fullpath: String, reader: FingerprintReader) async -> String? {
        if let cached = read(fullpath) { return cached }
        guard let computed = (try? await reader.refsFingerprint(gitDir: fullpath)) ?? nil else { return nil }
        FileSystem.write(Array(computed.utf8), to: fullpath + "/" + MarkerFile.fingerprint)
        return computed
    }
}
