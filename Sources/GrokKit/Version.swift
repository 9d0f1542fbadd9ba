/// The version the tools report; the grokmirror version they are a drop-in for
/// is in `compatibleWith`.
package enum GrokVersion {
    package static let version = "0.1.0"
    package static let compatibleWith = "2.0.12"
    package static var versionString: String { "\(version) (grokmirror \(compatibleWith) compatible)" }
}
