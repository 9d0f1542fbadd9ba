/// Says when another progress line is due, every `interval` seconds on
/// the monotonic clock.
struct ProgressClock {
    private var last = MonotonicTime.seconds()
    let interval: Double

    init(interval: Double = 5) { self.interval = interval }

    mutating func due() -> Bool {
        let now = MonotonicTime.seconds()
        guard now - last >= interval else { return false }
        last = now
        return true
    }
}
