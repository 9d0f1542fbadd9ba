/// The version the tools report; the grokmirror version they are a drop-in for
/// is in `compatibleWith`.
public enum GrokVersion {
    public static let version = "0.1.0"
    public static let compatibleWith = "2.0.12"
    public static var versionString: String { "\(version) (grokmirror \(compatibleWith) compatible)" }
}
