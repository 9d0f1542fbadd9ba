import Glibc

/// Which file a path or descriptor names, and which version of it: the
/// log file notices logrotate moved it, the socket listener removes only
/// its own socket, and the local manifest is re-read only when rewritten.
package struct FileIdentity: Equatable, Sendable {
    let device: UInt
    let inode: UInt
    let size: Int
    let modifiedSeconds: Int
    let modifiedNanoseconds: Int

    package init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        self.init(info)
    }

    init?(descriptor: Int32) {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        self.init(info)
    }

    private init(_ info: stat) {
        device = UInt(info.st_dev)
        inode = UInt(info.st_ino)
        size = Int(info.st_size)
        modifiedSeconds = info.st_mtim.tv_sec
        modifiedNanoseconds = info.st_mtim.tv_nsec
    }

    /// Both name the same existing file, whatever happened to its contents.
    static func sameFile(_ first: FileIdentity?, _ second: FileIdentity?) -> Bool {
        guard let first, let second else { return false }
        return first.device == second.device && first.inode == second.inode
    }
}
