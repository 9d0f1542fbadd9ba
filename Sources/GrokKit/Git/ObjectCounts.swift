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
