import ArgumentParser

/// `-v/--verbose`, which every tool takes: debug messages on the console.
package struct VerboseOption: ParsableArguments {
    @Flag(name: [.customShort("v"), .customLong("verbose")], help: "Be verbose and tell us what you are doing")
    package var verbose = false

    package init() {}
}
