import Foundation
import Glibc
import Testing
import TestSupport
@testable import GrokKit

@Suite struct ArchiveRevisionTests {
    @Test(arguments: ["v2.39.0", "master", "release/1.0", "user/feature-x_y+z", "@", "a" + String(repeating: "b", count: 254),
                      "0123456789abcdef0123456789abcdef01234567", "HEAD", "tag%20with%percent", "v1.0-rc1"])
    func plausibleRevisionsPass(_ text: String) throws {
        #expect(try ArchiveRevision(validating: text).text == text)
    }

    @Test(arguments: [
        ("", ArchiveRevision.Rejection.empty),
        ("--output=/tmp/x", .optionLike), ("--remote=ssh://x", .optionLike), ("--exec=touch /tmp/y", .optionLike), ("-h", .optionLike),
        ("a..b", .forbiddenSequence("..")), ("../../etc/passwd", .forbiddenSequence("..")), ("v1@{1}", .forbiddenSequence("@{")),
        ("a//b", .forbiddenSequence("//")),
        ("HEAD:secret", .forbiddenCharacter("':'")), ("v1^{tree}", .forbiddenCharacter("'^'")), ("HEAD~3", .forbiddenCharacter("'~'")),
        ("a\\b", .forbiddenCharacter("'\\'")), ("a b", .forbiddenCharacter("a space")), ("a\u{0}b", .forbiddenCharacter("a NUL byte")),
        ("a\nb", .forbiddenCharacter("a control character")), ("a\u{7F}", .forbiddenCharacter("a control character")),
        ("caf\u{E9}", .forbiddenCharacter("a non-ASCII byte")), ("a*", .forbiddenCharacter("'*'")), ("a\"b", .forbiddenCharacter("'\"'")),
        ("/abs", .badComponent("starting or ending with '/'")), ("dir/", .badComponent("starting or ending with '/'")),
        ("a/.git", .badComponent("with a component starting with '.'")), (".hidden", .badComponent("with a component starting with '.'")),
        ("x.lock/y", .badComponent("with a component ending in '.lock'")), ("v1.", .badComponent("ending with '.'")),
    ])
    func hostileRevisionsAreRefused(_ text: String, _ reason: ArchiveRevision.Rejection) {
        #expect(throws: reason) { try ArchiveRevision(validating: text) }
    }

    @Test func overlongRevisionsAreRefused() {
        #expect(throws: ArchiveRevision.Rejection.tooLong(bytes: 256)) { try ArchiveRevision(validating: String(repeating: "a", count: 256)) }
        #expect(throws: ArchiveRevision.Rejection.tooLong(bytes: 10_000)) { try ArchiveRevision(validating: String(repeating: "a", count: 10_000)) }
    }

    @Test func fullObjectIDsAndFileNames() throws {
        #expect(try ArchiveRevision(validating: String(repeating: "a1", count: 20)).isFullObjectID)
        #expect(try ArchiveRevision(validating: String(repeating: "a1", count: 32)).isFullObjectID)
        #expect(try !ArchiveRevision(validating: String(repeating: "a1", count: 19)).isFullObjectID)
        #expect(try !ArchiveRevision(validating: String(repeating: "A1", count: 20)).isFullObjectID)
        let branch = try ArchiveRevision(validating: "release/1.0")
        #expect(ArchiveSource.prefix(gitdir: "/pub/scm/git/git.git", revision: branch) == "git-release-1.0/")
        #expect(ArchiveSource.fileName(gitdir: "/pub/linux", revision: branch, format: .tarGz) == "linux-release-1.0.tar.gz")
    }

    @Test func formatsSplitFromNames() throws {
        #expect(ArchiveFormat.split("v2.39.0.tar.gz")! == ("v2.39.0", .tarGz))
        #expect(ArchiveFormat.split("v1.tar")! == ("v1", .tar))
        #expect(ArchiveFormat.split("release/1.0.zip")! == ("release/1.0", .zip))
        #expect(ArchiveFormat.split("v1.tar.gz", allowed: [.tar]) == nil)
        #expect(ArchiveFormat.split("v1.gz") == nil)
        #expect(ArchiveFormat.split(".zip") == nil)
        #expect(try ArchiveFormat.list("tar.gz tar, zip tgz") == [.tarGz, .tar, .zip])
        #expect(throws: ArchiveFormat.UnknownFormat.self) { try ArchiveFormat.list("tar.xz") }
    }
}

@Suite struct ArchiveSourceTests {
    let dir = TemporaryDirectory()
    let source = ArchiveSource()

    func repository() throws -> String {
        let path = dir.file("repo.git")
        try makeRepository(at: path, commits: 3)
        return path
    }

    func build(_ gitDir: String, _ commit: String, _ format: ArchiveFormat, prefix: String = "repo-x/") async throws -> [UInt8] {
        var bytes: [UInt8] = []
        try await source.build(gitDir: gitDir, commit: commit, format: format, prefix: prefix) { bytes += $0 }
        return bytes
    }

    @Test func resolvesTagsBranchesAndIDsToCommits() async throws {
        let repo = try repository()
        let master = try shell("git --git-dir='\(repo)' rev-parse master").trimmingCharacters(in: .whitespacesAndNewlines)
        let first = try shell("git --git-dir='\(repo)' rev-parse master~2").trimmingCharacters(in: .whitespacesAndNewlines)
        for (text, expected) in [("v1", master), ("master", master), ("dev", master), (first, first), (String(first.prefix(12)), first)] {
            #expect(await source.resolve(gitDir: repo, revision: try ArchiveRevision(validating: text)) == expected, "\(text)")
        }
        #expect(await source.resolve(gitDir: repo, revision: try ArchiveRevision(validating: "missing")) == nil)
        // A tree is not a commit.
        let tree = try shell("git --git-dir='\(repo)' rev-parse 'master^{tree}'").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(await source.resolve(gitDir: repo, revision: try ArchiveRevision(validating: tree)) == nil)
    }

    /// Even text that validation would refuse is only ever a revision to
    /// git after `--end-of-options`: no option takes effect.
    @Test func optionLikeTextIsNeverAnOption() async throws {
        let repo = try repository()
        let victim = dir.file("written")
        for text in ["--output=\(victim)", "--git-dir=/", "--exec=touch \(victim)"] {
            #expect(await source.resolve(gitDir: repo, revision: ArchiveRevision(unchecked: text)) == nil)
        }
        #expect(!FileManager.default.fileExists(atPath: victim))
    }

    @Test(arguments: ArchiveFormat.allCases)
    func archivesEqualGitArchiveAndRepeat(_ format: ArchiveFormat) async throws {
        let repo = try repository()
        let commit = try #require(await source.resolve(gitDir: repo, revision: try ArchiveRevision(validating: "v1")))
        let expected = dir.file("expected")
        try shell("git --git-dir='\(repo)' archive --format=\(format.gitFormat) --prefix=repo-v1/ \(commit) > '\(expected)'")
        let built = try await build(repo, commit, format, prefix: "repo-v1/")
        #expect(built == Array(try Data(contentsOf: URL(fileURLWithPath: expected))))
        #expect(try await build(repo, commit, format, prefix: "repo-v1/") == built)
        if format == .tarGz { #expect(Gzip.looksCompressed(built)) }
    }

    @Test func aMissingCommitIsAFailure() async throws {
        let repo = try repository()
        await #expect(throws: ArchiveSource.Failure.self) { try await build(repo, String(repeating: "0", count: 40), .tar) }
        await #expect(throws: ArchiveSource.Failure.self) { try await build(repo, "--output=x", .tar) }
    }

    /// A revision the mirror lacks is requested once, and found when it
    /// arrives within the wait.
    @Test func aMissingRevisionIsRequestedAndAwaited() async throws {
        let repo = try repository()
        let requests = Counter()
        let revision = try ArchiveRevision(validating: "later")
        let found = await source.resolve(gitDir: repo, revision: revision, waiting: .seconds(20), interval: .milliseconds(50)) {
            requests.increment()
            Thread.detachNewThread { _ = try? shell("sleep 0.3; git --git-dir='\(repo)' branch later master") }
            return true
        }
        #expect(found != nil)
        #expect(requests.value == 1)
        let never = await source.resolve(gitDir: repo, revision: try ArchiveRevision(validating: "never"), waiting: .milliseconds(300),
                                         interval: .milliseconds(50)) { true }
        #expect(never == nil)
    }

    @Test func notificationsReachASocket() throws {
        let path = dir.file("pull.socket")
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        let address = try #require(UnixSocketAddress(path: path))
        #expect(address.withSockaddr { bind(listener, $0, $1) } == 0)
        #expect(listen(listener, 4) == 0)
        try NotificationSender.send(gitdir: "/pub/repo.git", to: path)
        let client = accept(listener, nil, nil)
        defer { close(client) }
        var buffer = [UInt8](repeating: 0, count: 100)
        let count = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
        #expect(String(decoding: buffer[..<max(0, count)], as: UTF8.self) == "/pub/repo.git\n")
        #expect(throws: NotificationSender.Failure.self) { try NotificationSender.send(gitdir: "a\nb", to: path) }
        #expect(throws: NotificationSender.Failure.self) { try NotificationSender.send(gitdir: "/x", to: dir.file("absent.socket")) }
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
