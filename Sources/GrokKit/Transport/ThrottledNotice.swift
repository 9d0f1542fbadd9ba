/// Counts occurrences of one kind of event and says when to log them: the
/// first at once, then at most one report per `interval` seconds carrying
/// the count since the last report. Keeps a flood of hostile clients from
/// flooding the log while still saying that it happens and how much.
struct ThrottledNotice {
    /// Minimum seconds between two reports.
    let interval: Double
    private var unreported = 0
    private var lastReport: Double? = nil

    init(interval: Double) { self.interval = interval }

    /// Records one event at `now` (monotonic seconds); returns how many events
    /// to report now (this one included), or nil to stay quiet.
    mutating func record(now: Double) -> Int? {
        unreported += 1
        if let last = lastReport, now - last < interval { return nil }
        defer { unreported = 0; lastReport = now }
        return unreported
    }
}
