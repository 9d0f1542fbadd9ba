import Glibc

/// Proves that objects exist in a repository's object database (loose
/// objects, version-2 pack indexes whose pack passes git's own open-time
/// checks, and alternates), the check `git show-ref` makes before printing a
/// ref. It only ever proves presence: an object it cannot find is reported
/// as unproven, and the caller lets git decide.
package struct ObjectPresence {
    /// The repository's object directory, then its alternates (realpaths).
    package let objectDirectories: [String]
    private var indexes: [PackIndex]? = nil
    /// `"<index>/<xx>"` of each fanout directory (under
    /// `objectDirectories[index]`) where an object was found loose: what
    /// the proof depends on besides the packs (see `RefsStamp`).
    package private(set) var looseFanouts: Set<String> = []

    /// nil when the object database layout is one we do not interpret
    /// (quoted alternates, an environment override, too deep a chain).
    package init?(gitDir: String) {
        if getenv("GIT_OBJECT_DIRECTORY") != nil || getenv("GIT_ALTERNATE_OBJECT_DIRECTORIES") != nil { return nil }
        guard let directories = Self.objectDirectories(startingAt: gitDir + "/objects") else { return nil }
        objectDirectories = directories
    }

    /// The repo's object directory followed by its alternates, recursively
    /// (git follows five levels).
    private static func objectDirectories(startingAt root: String) -> [String]? {
        var result: [String] = []
        var queue: [(String, Int)] = [(root, 0)]
        while !queue.isEmpty {
            let (directory, depth) = queue.removeFirst()
            let canonical = PathUtilities.realpath(directory)
            if result.contains(canonical) { continue }
            result.append(canonical)
            guard let content = FileSystem.read(directory + "/info/alternates") else { continue }
            for line in String(decoding: content, as: UTF8.self).split(separator: "\n") {
                let entry = line.trimmingWhitespace()
                if entry.isEmpty || entry.hasPrefix("#") { continue }
                if entry.hasPrefix("\"") || depth >= 5 { return nil }
                let path = entry.hasPrefix("/") ? entry : PathUtilities.normalize(directory + "/" + entry)
                queue.append((path, depth + 1))
            }
        }
        return result
    }

    /// True when every id is proven present.
    package mutating func containsAll(_ objectIDs: [String]) -> Bool {
        for oid in Set(objectIDs) where !contains(oid) { return false }
        return true
    }

    package mutating func contains(_ objectID: String) -> Bool {
        let utf8 = Array(objectID.utf8)
        guard Hex.isObjectID(utf8), let binary = Hex.decode(utf8) else { return false }
        let fanoutName = String(objectID.prefix(2)) + "/" + String(objectID.dropFirst(2))
        for (index, directory) in objectDirectories.enumerated() where access(directory + "/" + fanoutName, F_OK) == 0 {
            looseFanouts.insert("\(index)/" + objectID.prefix(2))
            return true
        }
        if indexes == nil { indexes = objectDirectories.flatMap(PackIndex.loadAll(in:)) }
        return indexes!.contains { $0.contains(binary) }
    }
}

/// A version-2 `.idx` file, kept in memory for binary search by object id.
struct PackIndex {
    private let bytes: [UInt8]
    private let count: Int

    static func loadAll(in objectDirectory: String) -> [PackIndex] {
        let packDirectory = objectDirectory + "/pack"
        guard let names = FileSystem.listDirectory(packDirectory) else { return [] }
        return names.filter { $0.hasSuffix(".idx") }.compactMap { name in
            PackIndex(indexPath: packDirectory + "/" + name, packPath: packDirectory + "/" + name.dropLast(4) + ".pack")
        }
    }

    /// Loads the index only if git would use the pack: the `.pack` exists,
    /// and its header object count and trailing checksum match the index
    /// (the checks git makes when it opens a pack).
    init?(indexPath: String, packPath: String) {
        guard let data = FileSystem.read(indexPath, limit: 1 << 31), data.count >= 8 + 1024 + 40,
              data[0] == 0xFF, data[1] == 0x74, data[2] == 0x4F, data[3] == 0x63,
              Self.bigEndian32(data, 4) == 2 else { return nil }
        let total = Int(Self.bigEndian32(data, 8 + 255 * 4))
        guard data.count >= 8 + 1024 + total * 28 + 40 else { return nil }
        let packChecksum = Array(data[(data.count - 40)..<(data.count - 20)])
        guard Self.packMatches(packPath, objectCount: total, checksum: packChecksum) else { return nil }
        bytes = data
        count = total
    }

    private static func packMatches(_ path: String, objectCount: Int, checksum: [UInt8]) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size >= 32 else { return false }
        var header = [UInt8](repeating: 0, count: 12)
        var trailer = [UInt8](repeating: 0, count: 20)
        guard pread(fd, &header, 12, 0) == 12, pread(fd, &trailer, 20, off_t(info.st_size) - 20) == 20 else { return false }
        let version = bigEndian32(header, 4)
        return header[0..<4].elementsEqual("PACK".utf8) && (version == 2 || version == 3)
            && Int(bigEndian32(header, 8)) == objectCount && trailer == checksum
    }

    private static func bigEndian32(_ data: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(data[offset]) << 24 | UInt32(data[offset + 1]) << 16 | UInt32(data[offset + 2]) << 8 | UInt32(data[offset + 3])
    }

    func contains(_ oid: [UInt8]) -> Bool {
        let first = Int(oid[0])
        var low = first == 0 ? 0 : Int(Self.bigEndian32(bytes, 8 + (first - 1) * 4))
        var high = Int(Self.bigEndian32(bytes, 8 + first * 4))
        let table = 8 + 1024
        return bytes.withUnsafeBufferPointer { buffer in
            while low < high {
                let middle = (low + high) / 2
                let entry = table + middle * 20
                var order = 0
                for i in 0..<20 where buffer[entry + i] != oid[i] {
                    order = buffer[entry + i] < oid[i] ? -1 : 1
                    break
                }
                if order == 0 { return true }
                if order < 0 { low = middle + 1 } else { high = middle }
            }
            return false
        }
    }
}
