/// The remote manifest is untrusted data: every key and value that becomes
/// a path, a file's content or a git config value is checked here (pure).
package enum RemoteEntryValidator {
    package struct Rejection: Error, Equatable, CustomStringConvertible {
        package let gitdir: Gitdir
        package let reason: String
        /// The entry as messages name it: the gitdir quoted and escaped, or
        /// for a key that is no valid string, its JSON spelling.
        package let name: String
        package var description: String { "remote manifest entry \(name): \(reason)" }

        package init(gitdir: Gitdir, reason: String) {
            self.gitdir = gitdir
            self.reason = reason
            name = gitdir.path.debugDescription
        }

        /// An entry whose key or a value holds a lone surrogate escape
        /// (`UndecodableEntry`), named by its key's JSON spelling.
        package init(undecodable kept: UndecodableEntry) {
            gitdir = kept.gitdir ?? Gitdir(kept.spelling)
            reason = kept.gitdir == nil
                ? "not valid UTF-8 after JSON decoding (a lone surrogate escape), so it names no path exactly"
                : "a value is not valid UTF-8 after JSON decoding (a lone surrogate escape), so the entry cannot be mirrored exactly"
            name = "\"" + kept.spelling + "\""
        }
    }

    /// A forkgroup names a directory in the objstore (`<forkgroup>.git`),
    /// so it must stay one plain component: `../x` would put the objstore
    /// repository, and its lock, outside the objstore. grokmirror names
    /// them with UUID4s.
    package static func isForkgroupName(_ name: String) -> Bool { PlainName.isValid(name) }

    /// Checks one entry; `reserved` are the paths the tools keep under
    /// toplevel (`ReservedPath.all`): no gitdir or symlink may be one, lie
    /// inside one or hold one.
    package static func validate(gitdir: Gitdir, entry: ManifestEntry, reserved: [ReservedPath]) -> Rejection? {
        func reject(_ reason: String) -> Rejection { Rejection(gitdir: gitdir, reason: reason) }
        guard gitdir.isClean else {
            return reject("not a clean absolute path inside toplevel of at most \(Gitdir.maximumDepth) components and \(Gitdir.maximumBytes) bytes")
        }
        if let reason = reserved.lazy.compactMap({ $0.conflict(with: gitdir) }).first {
            return reject("\(reason), which the tools keep under toplevel")
        }
        let object = entry.object
        if let value = object["fingerprint"], !(value.stringValue.map { Hex.isObjectID(Array($0.utf8)) } ?? false) {
            return reject("fingerprint is not a 40-digit hex string")
        }
        if let value = object["modified"], !value.isNull, value.intValue == nil { return reject("modified is not a number") }
        if let value = object["head"], !value.isNull {
            guard let head = value.stringValue, RefName.isValidHead(head) else { return reject("head is not 'ref: <refname>' or an object id") }
        }
        if let value = object["description"], !value.isNull {
            guard let text = value.stringValue, !text.unicodeScalars.contains("\0"), text.utf8.count <= 65536 else {
                return reject("description is not a reasonable string")
            }
        }
        if let value = object["owner"], !value.isNull {
            guard let text = value.stringValue, !text.unicodeScalars.contains(where: { $0.value < 0x20 }), text.utf8.count <= 1024 else {
                return reject("owner is not a single-line string")
            }
        }
        if let value = object["symlinks"], !value.isNull {
            guard let list = value.arrayValue else { return reject("symlinks is not a list") }
            for item in list {
                guard let link = item.stringValue.map({ Gitdir($0) }), link.isClean, link != gitdir else {
                    return reject("symlink \(item) is not a clean absolute path inside toplevel")
                }
                if let reason = reserved.lazy.compactMap({ $0.conflict(with: link) }).first {
                    return reject("symlink \(link): \(reason), which the tools keep under toplevel")
                }
            }
        }
        if let value = object["reference"], !value.isNull, value.stringValue == nil { return reject("reference is not a string") }
        if let value = object["forkgroup"], !value.isNull, !(value.stringValue.map(isForkgroupName) ?? false) {
            return reject("forkgroup is not a plain name (a letter or digit, then letters, digits, '.', '_' or '-'; at most 128)")
        }
        return nil
    }
}
