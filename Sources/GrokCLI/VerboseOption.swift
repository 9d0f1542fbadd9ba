import ArgumentParser

/// `-v/--verbose`, which every tool takes: debug messages on the console.
public struct VerboseOption: ParsableArguments {
    @Flag(name: [.customShort("v"), .customLong("verbose")], help: "Be verbose and tell us what you are doing")
    public var verbose = false

    public init() {}
}
