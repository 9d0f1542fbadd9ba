import Glibc

/// A shell-style pattern with Python `fnmatch` semantics, which is what
/// grokmirror's config globs (include, exclude, ignore, nopurge, ...) use:
/// `*` also matches `/`, and a backslash is an ordinary character.
public struct Glob: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String

    public init(_ pattern: String) { self.pattern = pattern }

    public func matches(_ text: String) -> Bool {
        fnmatch(pattern, text, FNM_NOESCAPE) == 0
    }

    public var description: String { pattern }
}

extension Array where Element == Glob {
    public func anyMatches(_ text: String) -> Bool { contains { $0.matches(text) } }
}
