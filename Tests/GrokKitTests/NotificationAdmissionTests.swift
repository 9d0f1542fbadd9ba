import Testing
@testable import GrokKit

/// Who gives up a notification-socket slot, and how often closed clients
/// are logged.
@Suite struct NotificationAdmissionTests {
    typealias Candidate = ConnectionEviction.Candidate

    @Test func noClientIsEvictedWithinItsGrace() {
        let young = [Candidate(fd: 3, acceptedAt: 100, completedLine: false), Candidate(fd: 4, acceptedAt: 100.5, completedLine: false)]
        #expect(ConnectionEviction.victim(among: young, now: 100.9, grace: 1) == nil)
        #expect(ConnectionEviction.nextEligible(among: young, grace: 1) == 101)
        #expect(ConnectionEviction.victim(among: young, now: 101, grace: 1) == 3)
        #expect(ConnectionEviction.victim(among: [], now: 200, grace: 1) == nil)
        #expect(ConnectionEviction.nextEligible(among: [], grace: 1) == nil)
    }

    @Test func clientsWithoutACompleteLineGoFirstOldestFirst() {
        let clients = [
            Candidate(fd: 3, acceptedAt: 100, completedLine: true),
            Candidate(fd: 4, acceptedAt: 102, completedLine: false),
            Candidate(fd: 5, acceptedAt: 101, completedLine: false),
            Candidate(fd: 6, acceptedAt: 104.5, completedLine: false),
        ]
        #expect(ConnectionEviction.victim(among: clients, now: 105, grace: 1) == 5)
        // Only the ones past their grace count: fd 6 is too young.
        let rest = clients.filter { $0.fd != 4 && $0.fd != 5 }
        #expect(ConnectionEviction.victim(among: rest, now: 105, grace: 1) == 3)
    }

    @Test func noticesAreThrottledWithACount() {
        var notice = ThrottledNotice(interval: 60)
        #expect(notice.record(now: 0) == 1)
        #expect(notice.record(now: 10) == nil)
        #expect(notice.record(now: 59) == nil)
        #expect(notice.record(now: 60) == 3)
        #expect(notice.record(now: 61) == nil)
        #expect(notice.record(now: 200) == 2)
    }

    @Test func aPartialLineIsSeen() {
        var assembler = LineAssembler(limit: 4)
        #expect(!assembler.isMidLine)
        _ = assembler.feed(Array("/a".utf8))
        #expect(assembler.isMidLine)
        _ = assembler.feed(Array("\n".utf8))
        #expect(!assembler.isMidLine)
        _ = assembler.feed(Array("/toolong".utf8))
        #expect(assembler.isMidLine, "discarding an overlong line is still mid-line")
    }
}
