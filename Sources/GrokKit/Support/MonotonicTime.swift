import Glibc

/// Seconds on the monotonic clock, for deadlines and elapsed times that a
/// wall-clock change must not disturb.
package enum MonotonicTime {
    package static func seconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
