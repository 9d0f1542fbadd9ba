/// Why one inbox (or the extindex run) failed, in one line naming it: the
/// run logs it as critical (so it reaches the console without `-v`) and
/// exits 1 when any occurred.
package struct PiIndexerFailure: Error, CustomStringConvertible, Equatable {
    package let message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}
