import Glibc

/// The local manifest as push notifications consult it, read again only
/// when the file on disk changed (our checkpoints, grok-fsck writing
/// forkgroups, an admin's edit), so a burst of notifications does not
/// decompress and parse it once per line.
struct LocalManifestCache {
    let file: ManifestFile
    private var signature: [Int] = []
    private var manifest = Manifest()

    init(file: ManifestFile) { self.file = file }

    mutating func current() -> Manifest {
        var info = stat()
        guard stat(file.path, &info) == 0 else {
            signature = []
            manifest = Manifest()
            return manifest
        }
        let now = [Int(info.st_dev), Int(info.st_ino), Int(info.st_size), info.st_mtim.tv_sec, info.st_mtim.tv_nsec]
        if now != signature, let read = try? file.read() {
            signature = now
            manifest = read
        }
        return manifest
    }
}
