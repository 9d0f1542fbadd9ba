/// An archive format `git archive` can write, as named in
/// `[serve] archive_formats` and in request paths.
package enum ArchiveFormat: String, Sendable, CaseIterable, Hashable {
    case tarGz = "tar.gz"
    case tar
    case zip

    /// The name in configuration, URLs and file names.
    package var fileExtension: String { rawValue }

    /// git archive's `--format=` value.
    package var gitFormat: String { rawValue }

    package var contentType: String {
        switch self {
        case .tarGz: return "application/gzip"
        case .tar: return "application/x-tar"
        case .zip: return "application/zip"
        }
    }

    /// Splits `v1.0.tar.gz` into its revision and format, among `allowed`
    /// (the longest matching extension wins, so `.tar.gz` is not `.gz`
    /// after a revision ending in `.tar`); nil when none matches.
    package static func split(_ name: String, allowed: [ArchiveFormat] = allCases) -> (revision: String, format: ArchiveFormat)? {
        let matches = allowed.filter { name.hasSuffix("." + $0.fileExtension) && name.utf8.count > $0.fileExtension.utf8.count + 1 }
        guard let format = matches.max(by: { $0.fileExtension.utf8.count < $1.fileExtension.utf8.count }) else { return nil }
        return (String(name.dropLast(format.fileExtension.count + 1)), format)
    }

    /// The formats of an `archive_formats` value (`tar.gz tar zip`, spaces
    /// or commas between); throws the unknown name.
    package static func list(_ value: String) throws(UnknownFormat) -> [ArchiveFormat] {
        var formats: [ArchiveFormat] = []
        for word in value.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" || $0 == "\n" }) {
            guard let format = ArchiveFormat(rawValue: String(word)) ?? (word == "tgz" ? .tarGz : nil) else { throw UnknownFormat(name: String(word)) }
            if !formats.contains(format) { formats.append(format) }
        }
        return formats
    }

    package struct UnknownFormat: Error, CustomStringConvertible {
        package let name: String
        package var description: String { "unknown archive format '\(name)' (known: tar.gz, tar, zip)" }
    }
}
