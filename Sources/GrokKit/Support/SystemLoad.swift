import Glibc

/// The machine's load against its CPUs: grok-pull's background repacks
/// wait while the one-minute load average exceeds the CPU count.
package enum SystemLoad {
    package static var cpuCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    package static func oneMinuteAverage() -> Double? {
        var loads = [Double](repeating: 0, count: 3)
        return getloadavg(&loads, 3) >= 1 ? loads[0] : nil
    }

    package static func isOverloaded(load: Double?, cpus: Int) -> Bool {
        guard let load else { return false }
        return load > Double(cpus)
    }
}
