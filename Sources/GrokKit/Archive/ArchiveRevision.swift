/// A revision named in an archive request, checked before anything sees it.
///
/// Only what a branch, a tag or an object id can be spelled with passes:
/// printable ASCII without spaces, and none of git's revision syntax
/// (`..` ranges, `:` paths, `^`/`~` ancestry, `@{` reflogs, `?*[` globs,
/// `\`). A leading `-` (an option), a leading or trailing `/`, `//`, a
/// component starting with `.` (`../`, `.git`) or ending in `.lock`, and
/// more than 255 bytes are refused as well. `/` inside is allowed, for
/// branches such as `release/1.0`. Even so the text reaches git only after
/// `--end-of-options`, resolved to a commit id first.
package struct ArchiveRevision: Sendable, Hashable, CustomStringConvertible {
    package let text: String

    /// Why a revision was refused (the body of a 400 answer).
    package enum Rejection: Error, Equatable, CustomStringConvertible {
        case empty
        case tooLong(bytes: Int)
        case optionLike
        case forbiddenCharacter(String)
        case forbiddenSequence(String)
        case badComponent(String)

        package var description: String {
            switch self {
            case .empty: return "empty revision"
            case .tooLong(let bytes): return "revision of \(bytes) bytes (at most \(ArchiveRevision.maximumBytes))"
            case .optionLike: return "revision starting with '-'"
            case .forbiddenCharacter(let what): return "revision containing \(what)"
            case .forbiddenSequence(let what): return "revision containing '\(what)'"
            case .badComponent(let why): return "revision \(why)"
            }
        }
    }

    package static let maximumBytes = 255
    private static let forbidden: Set<UInt8> = Set("~^:?*[\\\"<>|'`".utf8)

    package init(validating text: String) throws(Rejection) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw .empty }
        guard bytes.count <= Self.maximumBytes else { throw .tooLong(bytes: bytes.count) }
        guard bytes[0] != UInt8(ascii: "-") else { throw .optionLike }
        if let bad = bytes.first(where: { $0 <= 0x20 || $0 >= 0x7F || Self.forbidden.contains($0) }) {
            throw .forbiddenCharacter(Self.describe(bad))
        }
        for sequence in ["..", "@{", "//"] where text.contains(sequence) { throw .forbiddenSequence(sequence) }
        guard bytes.first != UInt8(ascii: "/"), bytes.last != UInt8(ascii: "/") else { throw .badComponent("starting or ending with '/'") }
        for component in text.split(separator: "/") {
            if component.hasPrefix(".") { throw .badComponent("with a component starting with '.'") }
            if component.hasSuffix(".lock") { throw .badComponent("with a component ending in '.lock'") }
        }
        guard bytes.last != UInt8(ascii: ".") else { throw .badComponent("ending with '.'") }
        self.text = text
    }

    /// Unvalidated, for tests that prove git is safe even without validation.
    init(unchecked text: String) { self.text = text }

    private static func describe(_ byte: UInt8) -> String {
        switch byte {
        case 0: return "a NUL byte"
        case 0x20: return "a space"
        case ..<0x20, 0x7F: return "a control character"
        case 0x80...: return "a non-ASCII byte"
        default: return "'\(Character(Unicode.Scalar(byte)))'"
        }
    }

    /// A full object id (40 or 64 hex digits): what it names never changes.
    package var isFullObjectID: Bool { ArchiveSource.isObjectID(text) }

    /// The revision as part of a file or directory name: `/` becomes `-`.
    package var fileComponent: String { String(text.map { $0 == "/" ? "-" : $0 }) }

    package var description: String { text }
}
