/// How a newly mirrored inbox is set up: public-inbox-init's command line
/// and the `description` written after it, from what the origin says about
/// the inbox (nil: nothing known, so the defaults below).
package struct InboxInitPlan: Sendable, Equatable {
    package let invocation: PublicInboxInvocation
    package let description: String

    /// Keys the plan sets from its own arguments, or public-inbox-init
    /// refuses with `-c`: never taken over from an origin's snippet.
    package static let reservedKeys: Set<String> = ["address", "newsgroup", "description", "inboxdir", "mainrepo", "url", "indexlevel", "boost"]

    /// `public-inbox-init -V2 -L <level> [--ng=<newsgroup>] [-c key=value]... -- <name> <dir> <url> <address>...`
    /// The `--` keeps an origin's address such as `-C/etc` from being read as
    /// an option. Without addresses the inbox gets `<name>@localhost`; the
    /// description is the origin's, else `<listid> archive mirror`, else
    /// `<name> archive mirror`.
    package static func make(inbox: InboxLocation, origins: OriginsConfig?, options: PiIndexerOptions, initOptions: PiInitOptions) -> InboxInitPlan {
        let config = origins ?? OriginsConfig()
        var arguments = ["-V2", "-L", options.indexLevel]
        if let newsgroup = config.newsgroup { arguments.append("--ng=" + newsgroup) }
        for (key, value) in settings(config, initOptions: initOptions) { arguments += ["-c", key + "=" + value] }
        let addresses = config.addresses.isEmpty ? [inbox.name + "@localhost"] : config.addresses
        arguments += ["--", inbox.name, inbox.piInboxdir, url(of: inbox, localToplevel: initOptions.localToplevel)] + addresses
        let description = config.description ?? ((config.listids.first ?? inbox.name) + " archive mirror")
        return InboxInitPlan(invocation: PublicInboxInvocation(tool: "public-inbox-init", arguments: arguments, inboxdir: inbox.piInboxdir),
                             description: description)
    }

    /// The `-c` settings: the origin's accepted keys in its order (listid
    /// always, then `--extra-cfgopts`), then the boost.
    static func settings(_ config: OriginsConfig, initOptions: PiInitOptions) -> [(String, String)] {
        let accepted = acceptedKeys(initOptions.extraConfigOptions)
        var settings = config.listids.map { ("listid", $0) }
        settings += config.options.filter { accepted.contains($0.key) }.map { ($0.key, $0.value) }
        if let boost = ListIdBoost.boost(for: config.listids, patterns: ListIdBoost.patterns(initOptions.listidPriority)) {
            settings.append(("boost", String(boost)))
        }
        return settings
    }

    /// `--extra-cfgopts` as keys: lowercased, only letters (public-inbox-init
    /// refuses other `-c` keys, and the whole init with them), reserved ones dropped.
    static func acceptedKeys(_ extra: String) -> Set<String> {
        Set(extra.split(separator: ",").map { $0.trimmingWhitespace().lowercased() }.filter { key in
            !key.isEmpty && key.unicodeScalars.allSatisfy { ("a"..."z").contains($0) } && !reservedKeys.contains(key)
        })
    }

    /// `<local toplevel>/<name>` (trailing slashes of the toplevel dropped),
    /// or the bare name when no local toplevel is given (served from /).
    static func url(of inbox: InboxLocation, localToplevel: String) -> String {
        guard !localToplevel.isEmpty else { return inbox.name }
        var base = Substring(localToplevel)
        while base.hasSuffix("/") { base = base.dropLast() }
        return base + "/" + inbox.name
    }
}
