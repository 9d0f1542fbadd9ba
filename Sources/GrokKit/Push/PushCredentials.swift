/// Credentials in an `http(s)://user:secret@host/…` destination URL reach
/// git through a credential helper that reads them from the environment;
/// git is given the URL without them. git passes a remote's URL on the
/// command line of `git remote-https`, where every user of the machine
/// reads it in the process list (and `GIT_TRACE` logs it).
enum PushCredentials {
    static let usernameVariable = "GROKMIRROR_PUSH_USERNAME"
    static let passwordVariable = "GROKMIRROR_PUSH_PASSWORD"

    /// The helper: answers `get` with the variables; its script names them only.
    static let helper = "!f() { cat >/dev/null; test \"$1\" = get || exit 0; printf 'username=%s\\n' \"$\(usernameVariable)\"; "
        + "if test -n \"${\(passwordVariable)+set}\"; then printf 'password=%s\\n' \"$\(passwordVariable)\"; fi; }; f"

    /// The URL git is given, the config entries (in order) and environment
    /// variables that supply the credentials taken out of it.
    static func split(_ url: String) -> (url: String, config: [(key: String, value: String)], environment: [String: String]) {
        let lowered = url.lowercased()
        guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://"), let scheme = url.firstRange(of: "://") else { return (url, [], [:]) }
        let rest = url[scheme.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard let at = authority.lastIndex(of: "@") else { return (url, [], [:]) }
        let parts = authority[..<at].split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let decode = { (text: String) in CredentialRedaction.percentDecoded(text) ?? text }
        var environment = [usernameVariable: decode(parts[0])]
        if parts.count > 1 { environment[passwordVariable] = decode(parts[1]) }
        // An empty helper first drops any other configured helper: the
        // URL's credentials are the ones used, as when git read them there.
        let config: [(key: String, value: String)] = [("credential.helper", ""), ("credential.helper", helper)]
        return (String(url[..<scheme.upperBound]) + rest[rest.index(after: at)...], config, environment)
    }
}
