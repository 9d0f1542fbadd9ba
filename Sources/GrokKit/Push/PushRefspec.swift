/// One refspec of a `[push.NAME]` destination: `[+]<source>:<destination>`,
/// two full ref names or two patterns with one `*` each, as git takes them.
/// Only what git would push for it is ever in scope: pruning deletes a
/// destination ref only when some refspec's destination side covers it, so
/// refs outside every refspec (a forge's `refs/pull/*`) are never touched.
package struct PushRefspec: Sendable, Equatable {
    package let source: String
    package let destination: String
    /// Written with a leading `+`; `force = no` pushes it without.
    package let forced: Bool

    /// The contract's default: branches and tags, nothing else.
    package static let defaults = [
        PushRefspec(source: "refs/heads/*", destination: "refs/heads/*", forced: true),
        PushRefspec(source: "refs/tags/*", destination: "refs/tags/*", forced: true),
    ]

    private init(source: String, destination: String, forced: Bool) {
        self.source = source
        self.destination = destination
        self.forced = forced
    }

    /// Parses one refspec; nil with the reason when git would read it
    /// otherwise than plainly (negative and deleting refspecs, names not
    /// under `refs/`, more than one `*`, characters git refuses in refs).
    package static func parse(_ text: String) -> Result<PushRefspec, Invalid> {
        let forced = text.hasPrefix("+")
        let body = forced ? String(text.dropFirst()) : text
        let sides = body.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard sides.count == 2 else { return .failure(Invalid(refspec: text, reason: "it must be <source>:<destination>")) }
        for side in sides {
            if let why = problem(side) { return .failure(Invalid(refspec: text, reason: why)) }
        }
        guard sides[0].contains("*") == sides[1].contains("*") else {
            return .failure(Invalid(refspec: text, reason: "a pattern must map to a pattern"))
        }
        return .success(PushRefspec(source: sides[0], destination: sides[1], forced: forced))
    }

    package struct Invalid: Error, Equatable, CustomStringConvertible {
        package let refspec: String
        package let reason: String
        package var description: String { "refspec \"\(refspec)\": \(reason)" }
    }

    private static func problem(_ side: String) -> String? {
        guard side.hasPrefix("refs/"), side.count > 5 else { return "both sides must be full ref names under refs/" }
        if side.filter({ $0 == "*" }).count > 1 { return "at most one * per side" }
        let forbidden: Set<Character> = [" ", "~", "^", ":", "?", "[", "\\", "\t", "\n"]
        if side.contains(where: { forbidden.contains($0) || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } == true }) {
            return "it holds a character git does not allow in ref names"
        }
        if side.contains("..") || side.contains("//") || side.hasSuffix("/") || side.hasSuffix(".lock") || side.contains("@{") {
            return "it is not a valid ref name"
        }
        return nil
    }

    /// The destination ref a local ref goes to, or nil when this refspec
    /// does not push it.
    package func destinationName(for localRef: String) -> String? {
        guard let star = source.firstIndex(of: "*") else { return localRef == source ? destination : nil }
        let (prefix, suffix) = (source[..<star], source[source.index(after: star)...])
        guard localRef.count >= prefix.count + suffix.count + 1, localRef.hasPrefix(prefix), localRef.hasSuffix(suffix) else { return nil }
        let middle = localRef.dropFirst(prefix.count).dropLast(suffix.count)
        return destination.replacingFirst("*", with: middle)
    }

    /// As given to `git push`: with `+` when `force` allows forced updates.
    package func argument(force: Bool) -> String { (force && forced ? "+" : "") + source + ":" + destination }
}

extension String {
    fileprivate func replacingFirst(_ target: Character, with replacement: Substring) -> String {
        guard let index = firstIndex(of: target) else { return self }
        return String(self[..<index]) + replacement + self[self.index(after: index)...]
    }
}
