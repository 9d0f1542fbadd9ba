import Glibc
import Testing
@testable import GrokKit

/// The shared number, duration and socket-address helpers.
@Suite struct SupportHelperTests {
    /// A bare relative name's lock and state files sit beside it, not at
    /// `/` (grok-dumb-pull m1.git once locked /.m1.git.lock, ignoring the
    /// lock other tools hold on ./.m1.git.lock).
    @Test func hiddenSiblingsOfRelativeNamesStayRelative() {
        #expect(PathUtilities.join("", "x") == "x")
        #expect(PathUtilities.join("/", "x") == "/x" && PathUtilities.join("a", "x") == "a/x" && PathUtilities.join("a", "/x") == "/x")
        #expect(FileLock.lockPath(for: "m1.git") == ".m1.git.lock")
        #expect(FileLock.lockPath(for: "../m1.git") == "../.m1.git.lock")
        #expect(FileLock.lockPath(for: "/srv/m/a.git") == "/srv/m/.a.git.lock")
        #expect(FileLock.lockPath(for: "/a.git") == "/.a.git.lock")
        #expect(StatusStore.path(forLocalManifest: "manifest.js.gz") == ".manifest.js.gz.status.sqlite")
        #expect(PathUtilities.hiddenSibling(of: "dir/manifest.js.gz", suffix: ".push") == "dir/.manifest.js.gz.push")
    }

    @Test func twoDecimalsRoundsLikePrintf() {
        #expect(NumberFormat.twoDecimals(0) == "0.00")
        #expect(NumberFormat.twoDecimals(3.14159) == "3.14")
        #expect(NumberFormat.twoDecimals(12.5) == "12.50")
        #expect(NumberFormat.twoDecimals(0.07) == "0.07")
        #expect(NumberFormat.humanSize(5 << 30) == "5.00 TiB")
    }

    @Test func durationInSecondsKeepsFractions() {
        #expect(Duration.seconds(3).inSeconds == 3)
        #expect(Duration.milliseconds(1500).inSeconds == 1.5)
        #expect(Duration.microseconds(250).inSeconds == 0.00025)
    }

    @Test func unixSocketAddressLengths() {
        let family = MemoryLayout<sa_family_t>.size
        #expect(UnixSocketAddress(path: "/run/grok.sock")?.length == socklen_t(family + 14 + 1))
        // "@" is a path character unless asked for the abstract namespace.
        #expect(UnixSocketAddress(path: "@systemd/notify")?.length == socklen_t(family + 15 + 1))
        #expect(UnixSocketAddress(path: "@systemd/notify", abstractAt: true)?.length == socklen_t(family + 15))
        #expect(UnixSocketAddress(path: "/" + String(repeating: "x", count: 106)) != nil)
        #expect(UnixSocketAddress(path: "/" + String(repeating: "x", count: 107)) == nil)
    }

    @Test func unixSocketAddressBytes() {
        let address = UnixSocketAddress(path: "@name", abstractAt: true)!
        let bytes = address.withSockaddr { pointer, length in
            UnsafeRawPointer(pointer).withMemoryRebound(to: UInt8.self, capacity: Int(length)) { Array(UnsafeBufferPointer(start: $0, count: Int(length))) }
        }
        #expect(Array(bytes.dropFirst(MemoryLayout<sa_family_t>.size)) == [0] + Array("name".utf8))
    }
}
