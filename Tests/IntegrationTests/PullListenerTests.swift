import Foundation
import Synchronization
import Testing
import TestSupport
import GrokKit

/// grok-pull -o's notification socket under load: clients trickling bytes
/// to hold every slot, and a burst of simultaneous one-line notifiers.
@Suite(.serialized) struct PullListenerTests {
    /// The daemon's open sockets (its listener, its clients, anything else).
    static func openSockets(_ pid: pid_t) -> Int {
        let directory = "/proc/\(pid)/fd"
        return (FileSystem.listDirectory(directory) ?? []).filter { PathUtilities.readLink(directory + "/" + $0)?.hasPrefix("socket:") == true }.count
    }

    static func startDaemon(_ f: PullFixture) throws -> PullServiceTests.Daemon {
        // No refresh check during the test: only notifications fetch.
        PullServiceTests.serviceConfig(f, refresh: 3600)
        let daemon = try PullServiceTests.Daemon(f)
        #expect(waitUntil(timeout: 60) { PullServiceTests.mirrorComplete(f) }, "initial sync")
        #expect(waitUntil(timeout: 10) { PullServiceTests.log(f).contains("listening on socket") })
        return daemon
    }

    @Test func tricklingClientsCannotKeepOutARealNotificationNorHoldASlotPastItsDeadline() throws {
        let f = try PullFixture(repos: 2)
        let daemon = try Self.startDaemon(f)
        let socketPath = f.dir.file("pull.sock")
        let baseline = Self.openSockets(daemon.pid)
        let attackers = try (0..<64).map { _ in try UnixSocketClient(path: socketPath) }
        for attacker in attackers { attacker.send("/") }
        let attackStarted = Date()
        #expect(waitUntil(timeout: 10) { Self.openSockets(daemon.pid) >= baseline + 64 }, "all 64 attackers hold a slot")
        func trickle() { for attacker in attackers { attacker.send("x") } }

        // A real notification gets through while they keep trickling.
        let gitdir = "/pub/project1/repo1.git"
        try PullServiceTests.commit(f.origin + gitdir, "pushed during the attack")
        let notified = Date()
        try UnixSocketClient.notify(socketPath, [gitdir])
        let fetched = waitUntil(timeout: 8) {
            trickle()
            return PullServiceTests.mirrorMatches(f, gitdir)
        }
        let latency = Date().timeIntervalSince(notified)
        #expect(fetched, "notification fetched while 64 clients trickle")
        #expect(latency < 5, "notification took \(latency) s")
        print("notification through 64 trickling clients fetched after \(String(format: "%.2f", latency)) s")

        // Trickling does not extend a connection: each is closed by its deadline.
        var open = attackers
        let allClosed = waitUntil(timeout: 15) {
            open = open.filter { $0.send("y") }
            return open.isEmpty
        }
        let held = Date().timeIntervalSince(attackStarted)
        #expect(allClosed, "\(open.count) trickling clients still connected after \(held) s")
        #expect(held < 13, "trickling clients held their slots for \(held) s")
        print("64 trickling clients all closed after \(String(format: "%.2f", held)) s")
        let told = attackers.map { $0.receiveAvailable() }
        #expect(told.contains { $0.contains("error: closed to make room for other clients") })
        #expect(told.contains { $0.contains("error: no complete line within 10 s") })
        let log = PullServiceTests.log(f)
        #expect(log.contains("listener: all 64 connections busy: closed 1 client(s) to make room"))
        #expect(log.contains("client(s) that sent no complete line within 10 s"))
        let (outcome, _) = daemon.terminate()
        #expect(outcome.status == 0, "\(outcome.stderr)")
    }

    /// Counts clients that delivered, from many threads.
    final class Tally: Sendable {
        let count = Mutex(0)
    }

    @Test func twoHundredSimultaneousOneLineNotifiersAreAllServed() throws {
        let f = try PullFixture(repos: 1)
        let daemon = try Self.startDaemon(f)
        let socketPath = f.dir.file("pull.sock")
        let names = (0..<200).map { "/burst/n\($0).git" }
        let delivered = Tally()
        let start = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        for name in names {
            done.enter()
            Thread.detachNewThread {
                start.wait()
                if let client = try? UnixSocketClient(path: socketPath), client.send(name + "\n") {
                    delivered.count.withLock { $0 += 1 }
                }
                done.leave()
            }
        }
        for _ in names { start.signal() }
        #expect(done.wait(timeout: .now() + 20) == .success, "clients finished")
        let clientCount = delivered.count.withLock { $0 }
        #expect(clientCount == 200, "clients counted \(clientCount) as delivered")
        func logged() -> Int {
            let log = PullServiceTests.log(f)
            return names.filter { log.contains(" listener: \($0) (not known, ignored)\n") }.count
        }
        let allLogged = waitUntil(timeout: 15) { logged() == 200 }
        #expect(allLogged, "the daemon accepted \(logged()) of 200 notifications")
        print("200 simultaneous notifiers: clients counted \(clientCount) delivered, daemon logged \(logged())")
        let (outcome, _) = daemon.terminate()
        #expect(outcome.status == 0, "\(outcome.stderr)")
    }
}
