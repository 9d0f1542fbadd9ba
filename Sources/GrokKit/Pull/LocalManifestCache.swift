/// The local manifest as push notifications consult it, read again only
/// when the file on disk changed (our checkpoints, grok-fsck writing
/// forkgroups, an admin's edit), so a burst of notifications does not
/// decompress and parse it once per line.
struct LocalManifestCache {
    let file: ManifestFile
    private var version: FileIdentity?
    private var manifest = Manifest()

    init(file: ManifestFile) { self.file = file }

    mutating func current() -> Manifest {
        guard let now = FileIdentity(path: file.path) else {
            version = nil
            manifest = Manifest()
            return manifest
        }
        if now != version, let read = try? file.read() {
            version = now
            manifest = read
        }
        return manifest
    }
}
