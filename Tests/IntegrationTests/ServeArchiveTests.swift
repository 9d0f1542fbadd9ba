import Foundation
import Glibc
import GrokKit
import Testing
import TestSupport

/// A unix socket standing in for grok-pull's `pull.socket`: records each
/// line it receives, and runs `onLine` for it.
final class LineListener: @unchecked Sendable {
    let path: String
    private let fd: Int32
    private let lock = NSLock()
    private var received: [String] = []

    init(path: String, onLine: @escaping @Sendable (String) -> Void = { _ in }) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        let address = try #require(UnixSocketAddress(path: path))
        try #require(address.withSockaddr { bind(fd, $0, $1) } == 0)
        try #require(listen(fd, 8) == 0)
        let listener = fd
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0 else { return }
                var bytes: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let count = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
                    guard count > 0 else { break }
                    bytes += buffer[..<count]
                }
                close(client)
                for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
                    lock.withLock { received.append(String(line)) }
                    onLine(String(line))
                }
            }
        }
    }

    var lines: [String] { lock.withLock { received } }

    deinit { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }
}

/// grok-serve's archive and webhook endpoints against real repositories.
@Suite(.serialized) struct ServeArchiveTests {
    struct Download {
        let code: Int
        let headers: [String: String]
        let body: [UInt8]
    }

    /// A mirror with `/pub/repo.git` (tag v1, branches master, dev and
    /// release/1.0), a private repository and a symlink out of toplevel.
    static func fixture(serve: String = "") throws -> ServeFixture {
        let fixture = try ServeFixture(serve: serve)
        try makeRepository(at: fixture.mirror + "/pub/repo.git", commits: 3)
        try shell("git --git-dir='\(fixture.mirror)/pub/repo.git' branch release/1.0 master~1")
        try makeRepository(at: fixture.mirror + "/priv/secret.git", commits: 1)
        try makeRepository(at: fixture.dir.file("outside.git"), commits: 1)
        try shell("ln -s '\(fixture.dir.file("outside.git"))' '\(fixture.mirror)/pub/out.git'")
        return fixture
    }

    static func download(_ fixture: ServeFixture, _ path: String, options: [String] = []) throws -> Download {
        let body = fixture.dir.file("download"), headerFile = fixture.dir.file("headers")
        let output = try runProcess("/usr/bin/curl", ["-sS", "--path-as-is", "-m", "60", "-o", body, "-D", headerFile, "-w", "%{http_code}"] + options
                                                      + ["http://127.0.0.1:\(fixture.port)" + path])
        var headers: [String: String] = [:]
        for line in ((try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? "").split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let bytes = (try? Data(contentsOf: URL(fileURLWithPath: body))).map { Array($0) } ?? []
        unlink(body)
        unlink(headerFile)
        return Download(code: Int(output.stdout) ?? 0, headers: headers, body: bytes)
    }

    static func gitArchive(_ gitDir: String, _ rev: String, format: String, prefix: String) throws -> [UInt8] {
        let out = gitDir + ".expected"
        try shell("git --git-dir='\(gitDir)' archive --format=\(format) --prefix='\(prefix)' '\(rev)' > '\(out)'")
        defer { unlink(out) }
        return Array(try Data(contentsOf: URL(fileURLWithPath: out)))
    }

    /// `git archive` processes running in `gitDir`.
    static func gitArchives(in gitDir: String) -> Int {
        (FileSystem.listDirectory("/proc") ?? []).filter { name in
            guard Int(name) != nil, let bytes = FileSystem.read("/proc/\(name)/cmdline") else { return false }
            let argv = bytes.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return argv.contains("archive") && argv.contains("--git-dir=" + gitDir)
        }.count
    }

    @Test func archivesEqualGitArchiveForATagABranchAndACommit() throws {
        let fixture = try Self.fixture()
        try fixture.start()
        let repo = fixture.mirror + "/pub/repo.git"
        let commit = try shell("git --git-dir='\(repo)' rev-parse master~2").trimmingCharacters(in: .whitespacesAndNewlines)
        for (rev, prefix) in [("v1", "repo-v1/"), ("release/1.0", "repo-release-1.0/"), (commit, "repo-\(commit)/")] {
            for format in ["tar.gz", "tar", "zip"] {
                let reply = try Self.download(fixture, "/pub/repo.git/archive/\(rev).\(format)")
                #expect(reply.code == 200, "\(rev).\(format)")
                #expect(reply.body == (try Self.gitArchive(repo, rev, format: format, prefix: prefix)), "\(rev).\(format)")
                #expect(reply.headers["content-disposition"] == "attachment; filename=\"\(prefix.dropLast()).\(format)\"")
                #expect(try Self.download(fixture, "/pub/repo.git/archive/\(rev).\(format)").body == reply.body, "same bytes twice")
            }
        }
        let full = try Self.download(fixture, "/pub/repo.git/archive/\(commit).tar.gz")
        #expect(full.headers["cache-control"] == "public, max-age=31536000, immutable")
        #expect(full.headers["etag"] == "\"\(commit).tar.gz\"")
        #expect(try Self.download(fixture, "/pub/repo.git/archive/v1.tar.gz").headers["cache-control"] == "no-cache")
        let gitmirror = try Self.download(fixture, "/pub/repo.tar.gz?rev=v1")
        #expect(gitmirror.code == 200)
        #expect(gitmirror.body == (try Self.gitArchive(repo, "v1", format: "tar.gz", prefix: "repo-v1/")))
        let notModified = try Self.download(fixture, "/pub/repo.git/archive/\(commit).tar.gz", options: ["-H", "If-None-Match: W/\"x\", \"\(commit).tar.gz\""])
        #expect(notModified.code == 304)
        #expect(notModified.body.isEmpty)
        let head = try Self.download(fixture, "/pub/repo.git/archive/v1.zip", options: ["-I"])
        #expect(head.code == 200)
        #expect(head.headers["content-type"] == "application/zip")
        #expect(try Self.download(fixture, "/pub/repo.git/archive/missing.tar.gz").code == 404)
    }

    @Test func hostileRevisionsAndPathsAreRefused() throws {
        let fixture = try Self.fixture(serve: "archive_formats = tar.gz tar")
        try fixture.start()
        let victim = fixture.dir.file("victim")
        let hostile = ["--output=\(victim)", "--remote=file:\(victim)", "--exec=touch%20\(victim)", "-o\(victim)", "..%2f..%2fx", "v1%00",
                       String(repeating: "a", count: 10_000), "v1..master", "HEAD:f", "v1%5e%7btree%7d", "master@%7b1%7d", "%2e%2e"]
        for rev in hostile {
            let code = try Self.download(fixture, "/pub/repo.git/archive/\(rev).tar").code
            #expect((400...499).contains(code), "\(rev.prefix(40)): \(code)")
            let query = try Self.download(fixture, "/pub/repo.tar.gz?rev=\(rev)").code
            #expect((400...499).contains(query), "?rev=\(rev.prefix(40)): \(query)")
        }
        #expect(!FileManager.default.fileExists(atPath: victim))
        for path in ["/../outside.git/archive/v1.tar", "/%2e%2e/outside.git/archive/v1.tar", "/pub/%2e%2e/%2e%2e/outside.git/archive/v1.tar",
                     "/pub/out.git/archive/master.tar", "/priv/secret.git/archive/master.tar", "/priv/secret.tar.gz?rev=master",
                     "/pub/repo.git/archive/v1.zip", "/pub/absent.git/archive/v1.tar", "/pub/repo.git/archive/v1.tar.xz"] {
            let code = try Self.download(fixture, path).code
            #expect(code == 404 || code == 400, "\(path): \(code)")
        }
        // Through a symlink inside toplevel to a private repository.
        try shell("ln -s '\(fixture.mirror)/priv/secret.git' '\(fixture.mirror)/pub/alias.git'")
        #expect(try Self.download(fixture, "/pub/alias.git/archive/master.tar").code == 404)
        #expect(Self.gitArchives(in: fixture.mirror + "/pub/repo.git") == 0)
    }

    /// A client that goes away mid-download stops git within about a
    /// second, and its build slot is free again.
    @Test func aDisconnectStopsGitAndFreesTheSlot() throws {
        let fixture = try Self.fixture(serve: "archive_jobs = 1")
        let repo = fixture.mirror + "/pub/repo.git"
        try shell("""
            work=$(mktemp -d); git clone -q '\(repo)' "$work/w"; head -c 40000000 /dev/urandom > "$work/w/big"
            git -C "$work/w" add big; git -C "$work/w" commit -qm big; git -C "$work/w" push -q origin HEAD:refs/heads/big; rm -rf "$work"
            """)
        try fixture.start()
        let slow = try Spawn.start(["/usr/bin/curl", "-sS", "-o", "/dev/null", "--limit-rate", "200k",
                                    "http://127.0.0.1:\(fixture.port)/pub/repo.git/archive/big.tar"])
        #expect(waitUntil(timeout: 30) { Self.gitArchives(in: repo) == 1 })
        let busy = try Self.download(fixture, "/pub/repo.git/archive/v1.tar")
        #expect(busy.code == 503)
        #expect(busy.headers["retry-after"] != nil)
        kill(slow.pid, SIGKILL)
        _ = Spawn.wait(slow, timeout: 10)
        let stopped = Date()
        #expect(waitUntil(timeout: 10) { Self.gitArchives(in: repo) == 0 })
        #expect(Date().timeIntervalSince(stopped) < 3, "git ran \(Date().timeIntervalSince(stopped)) s after the disconnect")
        #expect(waitUntil(timeout: 10) { (try? Self.download(fixture, "/pub/repo.git/archive/v1.tar").code) == 200 })
    }

    @Test func archivesAreCachedAndServedAgain() throws {
        let scratch = TemporaryDirectory()
        let cache = scratch.file("cache")
        let fixture = try Self.fixture(serve: "archive_cache = \(cache)\narchive_cache_size = 10M")
        try fixture.start()
        let repo = fixture.mirror + "/pub/repo.git"
        let commit = try shell("git --git-dir='\(repo)' rev-parse 'v1^{commit}'").trimmingCharacters(in: .whitespacesAndNewlines)
        let first = try Self.download(fixture, "/pub/repo.git/archive/v1.tar.gz")
        #expect(first.code == 200)
        #expect(waitUntil(timeout: 5) { FileSystem.listDirectory(cache) == ["\(commit).tar.gz"] })
        // Served from the cache: the file is what the next client gets.
        try shell("printf cached > '\(cache)/\(commit).tar.gz'")
        let second = try Self.download(fixture, "/pub/repo.git/archive/v1.tar.gz")
        #expect(String(decoding: second.body, as: UTF8.self) == "cached")
        #expect(second.headers["content-length"] == "6")
    }

    /// A revision the mirror lacks is asked for on pull.socket; the request
    /// waits until it arrives.
    @Test func aMissingRevisionIsFetchedThroughPullSocket() throws {
        let scratch = TemporaryDirectory()
        let socketPath = scratch.file("pull.sock")
        let fixture = try Self.fixture(serve: "\n[pull]\nsocket = \(socketPath)")
        let repo = fixture.mirror + "/pub/repo.git"
        let listener = try LineListener(path: socketPath) { line in
            if line == "/pub/repo.git" { _ = try? shell("sleep 1; git --git-dir='\(repo)' branch late master") }
        }
        try fixture.start()
        let reply = try Self.download(fixture, "/pub/repo.git/archive/late.tar")
        #expect(reply.code == 200)
        #expect(listener.lines == ["/pub/repo.git"])
    }
}
