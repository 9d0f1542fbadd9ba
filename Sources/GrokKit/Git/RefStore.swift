/// The refs of a repository read straight from `refs/` and `packed-refs`,
/// the way `git show-ref` lists them: every ref under `refs/`, loose refs
/// overriding packed ones, symbolic refs resolved, sorted by name bytes.
///
/// Reading is deliberately conservative. Whenever the files hold anything
/// whose meaning git might interpret differently (reftable, a broken or
/// oddly formatted ref, a symlink, an invalid name, a dangling symbolic ref,
/// non-UTF-8 names, SHA-256 ids), the answer is `.needsGit` and the caller
/// asks git itself. Equality with git is thereby only claimed where it is
/// provable from the file formats.
package enum RefStore {
    package struct Ref: Sendable, Equatable {
        package let name: String
        package let objectID: String
        package init(name: String, objectID: String) { self.name = name; self.objectID = objectID }
    }

    package enum Reading: Sendable, Equatable {
        case refs([Ref])
        case needsGit(reason: String)
    }

    private enum LooseValue { case object(String), symbolic(String) }

    private struct Unprovable: Error { let reason: String }

    package static func read(gitDir: String) -> Reading {
        do {
            if FileSystem.exists(gitDir + "/reftable") { throw Unprovable(reason: "reftable ref storage") }
            var values: [String: LooseValue] = [:]
            for (name, oid) in try readPackedRefs(gitDir + "/packed-refs") { values[name] = .object(oid) }
            try readLooseRefs(directory: gitDir + "/refs", prefix: "refs/", into: &values)
            var refs: [Ref] = []
            refs.reserveCapacity(values.count)
            for (name, value) in values {
                refs.append(Ref(name: name, objectID: try resolve(value, in: values, depth: 0)))
            }
            refs.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
            return .refs(refs)
        } catch let unprovable as Unprovable {
            return .needsGit(reason: unprovable.reason)
        } catch {
            return .needsGit(reason: "\(error)")
        }
    }

    private static func resolve(_ value: LooseValue, in values: [String: LooseValue], depth: Int) throws -> String {
        switch value {
        case .object(let oid): return oid
        case .symbolic(let target):
            guard depth < 5, let next = values[target] else { throw Unprovable(reason: "unresolvable symbolic ref to \(target)") }
            return try resolve(next, in: values, depth: depth + 1)
        }
    }

    private static func readPackedRefs(_ path: String) throws -> [(String, String)] {
        guard FileSystem.exists(path) else { return [] }
        guard FileSystem.kind(path) == .file, let bytes = FileSystem.read(path) else {
            throw Unprovable(reason: "unreadable packed-refs")
        }
        var result: [(String, String)] = []
        var lineStart = 0
        var index = 0
        while index <= bytes.count {
            if index == bytes.count || bytes[index] == 0x0A {
                let line = bytes[lineStart..<index]
                lineStart = index + 1
                index += 1
                if line.isEmpty { continue }
                if line.first == UInt8(ascii: "#") {
                    if line.starts(with: "# pack-refs with:".utf8) { continue }
                    throw Unprovable(reason: "unexpected packed-refs comment")
                }
                if line.first == UInt8(ascii: "^") {
                    guard Hex.isObjectID(line.dropFirst()), !result.isEmpty else { throw Unprovable(reason: "bad peeled line") }
                    continue
                }
                guard line.count > 41, line[line.startIndex + 40] == UInt8(ascii: " "),
                      Hex.isObjectID(line.prefix(40)) else { throw Unprovable(reason: "bad packed-refs line") }
                guard let name = String(validating: line.dropFirst(41), as: UTF8.self),
                      name.hasPrefix("refs/"), RefName.isValid(name) else { throw Unprovable(reason: "bad packed refname") }
                // git lists an unsorted or repeated file as it stands; only a
                // strictly sorted one is provably what it prints.
                if let previous = result.last?.0, !previous.utf8.lexicographicallyPrecedes(name.utf8) {
                    throw Unprovable(reason: "packed-refs not strictly sorted")
                }
                result.append((name, String(decoding: line.prefix(40), as: UTF8.self)))
                continue
            }
            index += 1
        }
        return result
    }

    private static func readLooseRefs(directory: String, prefix: String, into values: inout [String: LooseValue]) throws {
        guard let names = FileSystem.listDirectory(directory) else {
            if prefix == "refs/" && !FileSystem.exists(directory) { return }
            throw Unprovable(reason: "unreadable \(directory)")
        }
        for name in names {
            // git skips dotfiles and in-progress lock files while iterating.
            if name.hasPrefix(".") || name.hasSuffix(".lock") { continue }
            let path = directory + "/" + name
            let refname = prefix + name
            switch FileSystem.kind(path) {
            case .directory:
                try readLooseRefs(directory: path, prefix: refname + "/", into: &values)
            case .file:
                guard RefName.isValid(refname) else { throw Unprovable(reason: "invalid refname \(refname)") }
                guard let content = FileSystem.read(path, limit: 4096) else { throw Unprovable(reason: "unreadable \(refname)") }
                values[refname] = try parseLoose(content, refname: refname)
            default:
                throw Unprovable(reason: "\(refname) is not a regular file")
            }
        }
    }

    private static func parseLoose(_ content: [UInt8], refname: String) throws -> LooseValue {
        var body = content[...]
        if body.last == 0x0A { body = body.dropLast() }
        if Hex.isObjectID(body) { return .object(String(decoding: body, as: UTF8.self)) }
        if body.starts(with: "ref: ".utf8),
           let target = String(validating: body.dropFirst(5), as: UTF8.self),
           target.hasPrefix("refs/"), RefName.isValid(target) {
            return .symbolic(target)
        }
        throw Unprovable(reason: "unexpected content in \(refname)")
    }
}
