import ArgumentParser

/// `-c/--config CONFIG`, as grok-pull and grok-fsck take it (grok-manifest's
/// `-c` is `--check-export-ok`, as in grokmirror, and its config option is
/// `--cfgfile`).
package struct ConfigOption: ParsableArguments {
    @Option(name: [.customShort("c"), .customLong("config")], help: "Location of the configuration file")
    package var config: String

    package init() {}
}
