extension Duration {
    /// The duration in seconds, fractions included, for the clocks and
    /// timers that take a `Double` (`DispatchTime`, `MonotonicTime`).
    var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
