/// `git count-objects -v`, parsed, and the repack thresholds of the contract
/// (shared by grok-pull's quick repacks and grok-fsck).
package struct ObjectCounts: Sendable, Equatable {
    package var loose = 0
    package var looseSizeKiB = 0
    package var inPack = 0
    package var packs = 0
    package var packSizeKiB = 0
    package var garbage = 0
    package var garbageSizeKiB = 0
    package var alternate: String? = nil

    package init() {}

    package init(parsing output: String) {
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
            case "size-garbage": garbageSizeKiB = Int(value) ?? 0
            case "alternate": alternate = value
            default: break
            }
        }
    }

    /// Disk use as grokmirror totals it: loose, packed and garbage KiB.
    package var totalSizeKiB: Int { looseSizeKiB + packSizeKiB + garbageSizeKiB }

    package enum RepackLevel: Int, Sendable, Comparable {
        case none = 0, quick = 1, full = 2
        package static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    }

    /// ≥20 packs: full; ≥1200 loose: quick; loose objects ≥10 % of more than
    /// 500, or loose size ≥10 % of more than 1024 KiB: quick. `borrowed` are
    /// the counts of the alternates repository, which add to the totals.
    package func repackLevel(borrowed: ObjectCounts? = nil) -> RepackLevel {
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
    /// directly (a process per repository was a measurable share of pull
    /// and fsck runs): loose objects and their disk usage, packs with an
    /// index, objects in them, pack plus index size, and garbage (files git
    /// would report as such: stray names in the loose fan-out directories,
    /// pack-directory files that are not part of a complete pack).
    package static func measure(gitDir: String) -> ObjectCounts {
        var counts = ObjectCounts()
        let objects = gitDir + "/objects"
        func addGarbage(_ path: String) {
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return }
            counts.garbage += 1
            counts.garbageSizeKiB += Int(info.st_blocks) * 512 / 1024
        }
        for fanout in FileSystem.listDirectory(objects) ?? [] where fanout.utf8.count == 2 && Hex.decode(fanout.utf8) != nil {
            let directory = objects + "/" + fanout
            for name in FileSystem.listDirectory(directory) ?? [] {
                guard name.utf8.count == 38, Hex.decode(name.utf8) != nil else { addGarbage(directory + "/" + name); continue }
                var info = stat()
                guard lstat(directory + "/" + name, &info) == 0 else { continue }
                counts.loose += 1
                counts.looseSizeKiB += Int(info.st_blocks) * 512 / 1024
            }
        }
        let packDirectory = objects + "/pack"
        let names = FileSystem.listDirectory(packDirectory) ?? []
        let present = Set(names)
        for name in names {
            let path = packDirectory + "/" + name
            if name.hasPrefix("multi-pack-index") { continue }
            guard let dot = name.lastIndex(of: "."), name.hasPrefix("pack-"),
                  packCompanions.contains(String(name[name.index(after: dot)...])) else { addGarbage(path); continue }
            let base = String(name[..<dot])
            let complete = present.contains(base + ".pack") && present.contains(base + ".idx")
            guard complete else { addGarbage(path); continue }
            guard name.hasSuffix(".pack") else { continue }
            var packInfo = stat(), indexInfo = stat()
            guard stat(path, &packInfo) == 0, stat(packDirectory + "/" + base + ".idx", &indexInfo) == 0 else { continue }
            counts.packs += 1
            counts.packSizeKiB += (Int(packInfo.st_size) + Int(indexInfo.st_size)) / 1024
            counts.inPack += indexObjectCount(packDirectory + "/" + base + ".idx")
        }
        if let alternates = FileSystem.readString(objects + "/info/alternates")?.trimmingWhitespace(), !alternates.isEmpty {
            counts.alternate = alternates
        }
        return counts
    }

    /// The files git keeps beside a pack, by extension.
    private static let packCompanions: Set<String> = ["pack", "idx", "keep", "bitmap", "promisor", "rev", "mtimes"]

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
