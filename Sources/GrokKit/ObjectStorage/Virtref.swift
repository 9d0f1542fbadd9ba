/// The name a sibling gets inside an objstore repository: its remote name
/// and the `refs/virtual/<virtref>/` namespace of its refs. The first 12
/// hex digits of the sha1 of the sibling's realpath, so every tool that
/// sees the same repository derives the same name.
package enum Virtref {
    package static func of(_ fullpath: String) -> String {
        String(SHA1.hexDigest(of: PathUtilities.realpath(fullpath).utf8).prefix(12))
    }

    /// `refs/virtual/<virtref>/...` → virtref; nil for anything else.
    package static func owning(ref: String) -> String? {
        let parts = ref.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[0] == "refs", parts[1] == "virtual", !parts[2].isEmpty else { return nil }
        return String(parts[2])
    }
}
