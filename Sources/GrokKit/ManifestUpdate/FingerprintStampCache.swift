/// grok-manifest's memory of each repository's `StampedFingerprint` between
/// full walks, kept beside the manifest as `.<manifest name>.stamps`, so a
/// walk over unchanged repositories costs a few `lstat` calls each.
///
/// It is only a cache: a missing, torn or foreign file is an empty cache,
/// and every entry is checked against the disk before use (`RefsStamp`).
/// One line per repository: `stamp fingerprint|- ignored(0|1) fanouts|-
/// fullpath`, fanouts comma-separated; paths holding a newline are not kept.
package struct FingerprintStampCache: Sendable {
    package let path: String
    /// Keyed by fullpath, byte-exact: an NFC and an NFD spelling of one
    /// name are two repositories with two fingerprints.
    package private(set) var entries: [ExactKey: StampedFingerprint] = [:]
    private var loaded: [ExactKey: StampedFingerprint] = [:]
    /// A file by that name with no line of ours is left alone.
    private var foreign = false

    /// The cache file that belongs to `manifestPath`.
    package init(manifestPath: String) {
        path = PathUtilities.hiddenSibling(of: manifestPath, suffix: ".stamps")
    }

    /// Reads the file (at most 256 MiB); what cannot be parsed is skipped.
    package mutating func load() {
        guard let bytes = FileSystem.read(path, limit: 256 << 20) else { return }
        for line in bytes.split(separator: 0x0A) {
            let fields = line.split(separator: 0x20, maxSplits: 4, omittingEmptySubsequences: false)
            guard fields.count == 5, let stamp = String(validating: fields[0], as: UTF8.self), Hex.isObjectID(fields[0]),
                  let value = String(validating: fields[1], as: UTF8.self), value == "-" || Hex.isObjectID(fields[1]),
                  fields[2].elementsEqual("0".utf8) || fields[2].elementsEqual("1".utf8),
                  let fanouts = String(validating: fields[3], as: UTF8.self), let fullpath = String(validating: fields[4], as: UTF8.self) else { continue }
            let fingerprint = Fingerprint(value: value == "-" ? nil : value, ignoredAnyRef: fields[2].first == UInt8(ascii: "1"))
            loaded[ExactKey(fullpath)] = StampedFingerprint(stamp: stamp, fingerprint: fingerprint,
                                                  looseFanouts: fanouts == "-" ? [] : fanouts.split(separator: ",").map(String.init))
        }
        foreign = loaded.isEmpty && !bytes.isEmpty
    }

    /// What the last run remembered for `fullpath`.
    package func known(_ fullpath: String) -> StampedFingerprint? { loaded[ExactKey(fullpath)] }

    /// Remembers this run's result for `fullpath` (nil: nothing to keep).
    package mutating func record(_ fullpath: String, _ stamped: StampedFingerprint?) {
        guard let stamped, !fullpath.contains("\n") else { return }
        entries[ExactKey(fullpath)] = stamped
    }

    /// Replaces the file with this run's entries, unless nothing changed.
    /// Failures are ignored: the next run computes again.
    package func save() {
        guard !foreign, entries != loaded else { return }
        var text = ""
        for (fullpath, entry) in entries.sorted(by: { $0.key < $1.key }) {
            let fanouts = entry.looseFanouts.isEmpty ? "-" : entry.looseFanouts.joined(separator: ",")
            text += "\(entry.stamp) \(entry.fingerprint.value ?? "-") \(entry.fingerprint.ignoredAnyRef ? 1 : 0) \(fanouts) \(fullpath)\n"
        }
        try? AtomicFile.replace(path, with: Array(text.utf8), syncDirectory: false)
    }
}
