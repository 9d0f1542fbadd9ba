/// `git count-objects -v`, parsed, and the repack thresholds of the contract
/// (shared by grok-pull's quick repacks and grok-fsck).
public struct ObjectCounts: Sendable, Equatable {
    public var loose = 0
    public var looseSizeKiB = 0
    public var inPack = 0
    public var packs = 0
    public var packSizeKiB = 0
    public var garbage = 0
    public var alternate: String? = nil

    public init() {}

    public init(parsing output: String) {
        for line in output.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon]
            let value = line[line.index(after: colon)...].trimmingWhitespace()
            switch key {
            case "count": loose = Int(value) ?? 0
            case "size": looseSizeKiB = Int(value) ?? 0
            case "in-pack": inPack = Int(value) ?? 0
            case "packs": packs = Int(value) ?? 0
            case "size-pack": packSizeKiB = Int(value) ?? 0
            case "garbage": garbage = Int(value) ?? 0
            case "alternate": alternate = value
            default: break
            }
        }
    }

    public enum RepackLevel: Int, Sendable, Comparable {
        case none = 0, quick = 1, full = 2
        public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    }

    /// ≥20 packs: full; ≥1200 loose: quick; loose objects ≥10 % of more than
    /// 500, or loose size ≥10 % of more than 1024 KiB: quick. `borrowed` are
    /// the counts of the alternates repository, which add to the totals.
    public func repackLevel(borrowed: ObjectCounts? = nil) -> RepackLevel {
        if packs >= 20 { return .full }
        if loose >= 1200 { return .quick }
        let totalObjects = loose + inPack + (borrowed?.inPack ?? 0)
        let totalSize = looseSizeKiB + packSizeKiB + (borrowed?.packSizeKiB ?? 0)
        if totalObjects > 500 && loose * 100 >= totalObjects * 10 { return .quick }
        if totalSize > 1024 && looseSizeKiB * 100 >= totalSize * 10 { return .quick }
        return .none
    }
}

import Glibc

extension ObjectCounts {
    /// What `git count-objects -v` reports, read from the object directory
    /// directly (a process per fetched repository was a measurable share of
    /// an update run): loose objects and their disk usage, packs with an
    /// index, objects in them, and pack plus index size.
    public static func measure(gitDir: String) -> ObjectCounts {
        var counts = ObjectCounts()
        let objects = gitDir + "/objects"
        for fanout in FileSystem.listDirectory(objects) ?? [] where fanout.utf8.count == 2 && Hex.decode(fanout.utf8) != nil {
            let directory = objects + "/" + fanout
            for name in FileSystem.listDirectory(directory) ?? [] where name.utf8.count == 38 {
                var info = stat()
                guard lstat(directory + "/" + name, &info) == 0 else { continue }
                counts.loose += 1
                counts.looseSizeKiB += Int(info.st_blocks) * 512 / 1024
            }
        }
        let packDirectory = objects + "/pack"
        for name in FileSystem.listDirectory(packDirectory) ?? [] where name.hasSuffix(".pack") {
            let base = packDirectory + "/" + name.dropLast(5)
            var packInfo = stat(), indexInfo = stat()
            guard stat(base + ".pack", &packInfo) == 0, stat(base + ".idx", &indexInfo) == 0 else { continue }
            counts.packs += 1
            counts.packSizeKiB += (Int(packInfo.st_size) + Int(indexInfo.st_size)) / 1024
            counts.inPack += indexObjectCount(base + ".idx")
        }
        if let alternates = FileSystem.readString(objects + "/info/alternates")?.trimmingWhitespace(), !alternates.isEmpty {
            counts.alternate = alternates
        }
        return counts
    }

    /// The object count of a pack index: the last fan-out entry (v1 and v2).
    private static func indexObjectCount(_ path: String) -> Int {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var header = [UInt8](repeating: 0, count: 8)
        guard pread(fd, &header, 8, 0) == 8 else { return 0 }
        let isVersion2 = header[0] == 0xFF && header[1] == 0x74 && header[2] == 0x4F && header[3] == 0x63
        var last = [UInt8](repeating: 0, count: 4)
        guard pread(fd, &last, 4, off_t((isVersion2 ? 8 : 0) + 255 * 4)) == 4 else { return 0 }
        return Int(UInt32(last[0]) << 24 | UInt32(last[1]) << 16 | UInt32(last[2]) << 8 | UInt32(last[3]))
    }
}
