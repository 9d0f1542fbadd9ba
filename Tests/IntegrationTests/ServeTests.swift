import Foundation
import GrokKit
import Logging
import Testing
import TestSupport

/// grok-serve started on a free port against a status store the test
/// writes, every endpoint fetched with curl.
final class ServeFixture {
    let dir = TemporaryDirectory()
    var mirror: String { dir.file("mirror") }
    var storePath: String { StatusStore.path(forLocalManifest: mirror + "/manifest.js.gz") }
    let port: Int
    let configPath: String
    private var child: Spawn.Child?

    /// grok-serve on another tool's config, which has `[serve] listen` on `port`.
    init(config: String, port: Int) {
        configPath = config
        self.port = port
    }

    init(serve: String = "", core: String = "") throws {
        configPath = dir.file("serve.conf")
        try FileManager.default.createDirectory(atPath: dir.file("mirror"), withIntermediateDirectories: true)
        port = try OriginServer.freePort()
        dir.write("serve.conf", """
            [core]
            toplevel = \(mirror)
            private = /priv/*
            \(core)
            [serve]
            listen = 127.0.0.1:\(port)
            \(serve)
            """)
    }

    deinit { stop() }

    /// The running grok-serve's process id.
    var pid: pid_t? { child?.pid }

    func store() throws -> StatusStore {
        try #require(StatusStore.openForWriting(path: storePath, logger: Logger(label: "serve-test")))
    }

    func start() throws {
        child = try Spawn.start([Tools.ours("grok-serve"), "-c", configPath])
        for _ in 0..<400 {
            if (try? get("/healthz"))?.code != 0 { return }
            usleep(25_000)
        }
        Issue.record("grok-serve did not start listening")
    }

    func stop() {
        guard let child else { return }
        kill(child.pid, SIGTERM)
        let outcome = Spawn.wait(child, timeout: 10)
        #expect(outcome.status == 0, "grok-serve exited with \(outcome.status): \(outcome.stderr)")
        self.child = nil
    }

    /// The status code (0 when nothing answered) and the body.
    func get(_ path: String, headers: [String] = []) throws -> (code: Int, body: String) {
        let output = try runProcess("/usr/bin/curl", ["-sS", "--path-as-is", "-m", "10", "-o", dir.file("body"), "-w", "%{http_code}"]
                                                      + headers.flatMap { ["-H", $0] } + ["http://127.0.0.1:\(port)" + path])
        let body = (try? String(contentsOfFile: dir.file("body"), encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: dir.file("body"))
        return (Int(output.stdout) ?? 0, body)
    }

    func json(_ path: String) throws -> [String: Any] {
        let reply = try get(path)
        #expect(reply.code == 200, "\(path): \(reply.code)")
        return try #require(JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any])
    }
}

@Suite(.serialized) struct ServeTests {
    static let script = "<script>alert('pwned')</script>"

    /// One repository in each state, a private one and a push destination.
    static func populate(_ store: StatusStore, now: Double) {
        for name in ["/pub/ok1.git", "/pub/ok2.git"] { store.succeeded(Gitdir(name), kind: "fetched", fetchSeconds: 0.5, at: now - 30) }
        store.succeeded(Gitdir("/pub/behind.git"), kind: "cloned", fetchSeconds: 1, at: now - 7200)
        store.behind([Gitdir("/pub/behind.git")], at: now - 3600)
        store.failed(Gitdir("/pub/failing.git"), error: "fatal: " + script, at: now - 60)
        store.failed(Gitdir("/pub/broken.git"), error: "fatal: repository gone", at: now - 200_000)
        store.failed(Gitdir("/pub/broken.git"), error: "fatal: repository gone", at: now - 100)
        store.failed(Gitdir("/priv/secret.git"), error: "secret error", at: now - 10)
        store.pushed(Gitdir("/pub/ok1.git"), destination: "backup", error: nil, at: now - 20)
        store.pushed(Gitdir("/pub/ok2.git"), destination: "backup", error: "push refused", at: now - 20)
        store.pushed(Gitdir("/priv/secret.git"), destination: "backup", error: nil, at: now - 20)
        store.manifestChecked(error: nil, at: now - 5)
    }

    /// grok-serve makes no HTTP or SMTP transfer, so libcurl and the 28
    /// libraries it depends on are never loaded (about 5 MiB of an idle
    /// grok-serve's memory), even after every endpoint was asked for.
    @Test func libcurlIsNeverLoaded() throws {
        let f = try ServeFixture()
        Self.populate(try f.store(), now: StatusStore.now())
        try f.start()
        for path in ["/", "/status.json", "/metrics", "/healthz", "/status/pub/ok1.git"] { _ = try f.get(path) }
        // Foundation reads one page of a /proc file; cat reads it all.
        let maps = try runProcess("/bin/cat", ["/proc/\(try #require(f.pid))/maps"]).stdout
        #expect(maps.contains("libsqlite3"), "the maps are grok-serve's")
        #expect(!maps.contains("libcurl"))
    }

    /// HEAD on every status endpoint: GET's status and length, no body.
    @Test func headAnswersAsGetWithoutTheBody() throws {
        let f = try ServeFixture()
        Self.populate(try f.store(), now: StatusStore.now())
        try f.start()
        for path in ["/", "/status.json", "/metrics", "/healthz", "/status/pub/ok1.git", "/status/pub/ok1.git.json", "/status/priv/secret.git"] {
            let get = try f.get(path)
            let head = try runProcess("/usr/bin/curl", ["-sS", "-I", "-m", "10", "-o", f.dir.file("head"), "-w", "%{http_code} %{size_download}",
                                                         "http://127.0.0.1:\(f.port)" + path])
            let headers = (try? String(contentsOfFile: f.dir.file("head"), encoding: .utf8)) ?? ""
            #expect(head.stdout.hasPrefix("\(get.code) "), "\(path): HEAD \(head.stdout), GET \(get.code)")
            if path != "/metrics" {  // its counters may move between the two requests
                #expect(headers.lowercased().contains("content-length: \(get.body.utf8.count)\r"), "\(path): \(headers)")
            }
        }
        f.stop()
    }

    @Test func theIndexCountsOrdersAndEscapes() throws {
        let f = try ServeFixture()
        Self.populate(try f.store(), now: StatusStore.now())
        try f.start()
        let page = try f.get("/")
        #expect(page.code == 200)
        for (state, count) in [("broken", 1), ("failing", 1), ("behind", 1), ("ok", 2)] {
            #expect(page.body.contains("id=\"count-\(state)\">\(count)</b>"), "\(state)")
        }
        let order = ["/pub/broken.git", "/pub/failing.git", "/pub/behind.git", "/pub/ok1.git", "/pub/ok2.git"]
            .map { page.body.range(of: ">\($0)</a>")?.lowerBound }
        #expect(order.allSatisfy { $0 != nil } && order.map { $0! } == order.map { $0! }.sorted(), "worst first")
        #expect(!page.body.contains(Self.script))
        #expect(page.body.contains("&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;"))
        #expect(!page.body.contains("secret"), "a private repository is invisible")
        #expect(page.body.contains("backup: failing (1)"))
        #expect(!page.body.contains("<script"), "no JavaScript")
        let repository = try f.get("/status/pub/failing.git")
        #expect(repository.code == 200)
        #expect(repository.body.contains("History") && repository.body.contains("&lt;script&gt;") && !repository.body.contains(Self.script))
    }

    @Test func jsonDocumentsHaveEveryServedRepositoryAndNoPrivateOne() throws {
        let f = try ServeFixture()
        Self.populate(try f.store(), now: StatusStore.now())
        try f.start()
        let all = try f.json("/status.json")
        let repos = try #require(all["repos"] as? [String: [String: Any]])
        #expect(Set(repos.keys) == ["/pub/ok1.git", "/pub/ok2.git", "/pub/behind.git", "/pub/failing.git", "/pub/broken.git"])
        #expect(repos["/pub/broken.git"]?["state"] as? String == "broken")
        #expect(repos["/pub/failing.git"]?["last_error"] as? String == "fatal: " + Self.script, "escaped in JSON, intact once parsed")
        #expect(repos["/pub/behind.git"]?["state"] as? String == "behind")
        #expect((repos["/pub/ok2.git"]?["pushes"] as? [String: [String: Any]])?["backup"]?["last_error"] as? String == "push refused")
        let one = try f.json("/status/pub/broken.git.json")
        #expect((one["status"] as? [String: Any])?["consecutive_failures"] as? Int == 2)
        #expect((one["history"] as? [[String: Any]])?.count == 2)
        #expect(!(try f.get("/status.json").body.contains("secret")))
        for path in ["/status/priv/secret.git", "/status/priv/secret.git.json", "/status/pub/nothing.git"] {
            #expect(try f.get(path).code == 404, "\(path)")
        }
    }

    @Test func traversalAttemptsAreRefused() throws {
        let f = try ServeFixture()
        Self.populate(try f.store(), now: StatusStore.now())
        try f.start()
        for path in ["/status/../../etc/passwd", "/status/pub/%2e%2e/%2e%2e/etc/passwd", "/status/pub/%2E%2E%2Fpriv/secret.git",
                     "/../etc/passwd", "/%2e%2e/etc/passwd", "/status/pub/ok1.git%00", "/status/pub/./ok1.git", "/status//pub/ok1.git",
                     "/status/pub/%zz"] {
            let reply = try f.get(path)
            #expect((400..<500).contains(reply.code), "\(path): \(reply.code)")
            #expect(!reply.body.contains("root:"), "\(path)")
        }
        #expect(try f.get("/debug").code == 404)
        #expect(try f.get("/env").code == 404)
    }

    @Test func metricsHaveTheNamesAndBoundedLabels() throws {
        let f = try ServeFixture()
        Self.populate(try f.store(), now: StatusStore.now())
        try f.start()
        _ = try f.get("/")
        let metrics = try f.get("/metrics")
        #expect(metrics.code == 200)
        let lines = metrics.body.split(separator: "\n").filter { !$0.hasPrefix("#") }
        for expected in ["grokmirror_repositories{state=\"broken\"} 1.0", "grokmirror_repositories{state=\"ok\"} 2.0",
                         "grokmirror_fetch_last_result{result=\"failure\"} 2.0", "grokmirror_fetch_last_result{result=\"success\"} 3.0",
                         "grokmirror_push_behind{destination=\"backup\"} 1.0",
                         "grokmirror_push_last_result{destination=\"backup\",result=\"failure\"} 1.0"] {
            #expect(lines.contains { $0 == expected }, "\(expected) in\n\(metrics.body)")
        }
        #expect(lines.contains { $0.hasPrefix("grokmirror_manifest_last_success_timestamp_seconds ") })
        #expect(lines.contains { $0.hasPrefix("grokmirror_http_responses_total{code=\"2xx\"}") })
        #expect(lines.allSatisfy { $0.hasPrefix("grokmirror_") }, "every name is prefixed")
        #expect(!metrics.body.contains(".git"), "no label names a repository")
        #expect(lines.count < 40, "\(lines.count) series")
    }

    @Test func paginationAndFilter() throws {
        let f = try ServeFixture()
        let store = try f.store()
        let now = StatusStore.now()
        for index in 0..<250 { store.succeeded(Gitdir("/pub/r\(1000 + index).git"), kind: "fetched", fetchSeconds: nil, at: now) }
        store.failed(Gitdir("/pub/r1200.git"), error: "oops", at: now)
        try f.start()
        func rows(_ body: String) -> Int { body.components(separatedBy: "<tr><td><a href=").count - 1 }
        let first = try f.get("/")
        #expect(rows(first.body) == 100)
        #expect(first.body.contains("href=\"/?page=2\""))
        #expect(first.body.range(of: "/pub/r1200.git")!.lowerBound < first.body.range(of: "/pub/r1000.git")!.lowerBound, "the failing one first")
        let last = try f.get("/?page=3")
        #expect(rows(last.body) == 50 && last.body.contains("rel=\"prev\"") && !last.body.contains("rel=\"next\""))
        #expect(rows(try f.get("/?page=99").body) == 50, "past the end is the last page")
        let filtered = try f.get("/?q=r11")
        #expect(rows(filtered.body) == 100 && filtered.body.contains("100 of 250 repositories"))
        #expect(rows(try f.get("/?q=r110").body) == 10)
        #expect(rows(try f.get("/?state=failing").body) == 1)
        let hostile = try f.get("/?q=%22%3E%3Cscript%3E")
        #expect(hostile.code == 200 && !hostile.body.contains("\"><script>") && hostile.body.contains("&quot;&gt;&lt;script&gt;"))
    }

    @Test func healthzFollowsTheManifestChecks() throws {
        let empty = try ServeFixture(serve: "healthz_max_age = 60")
        try empty.start()
        let none = try empty.get("/healthz")
        #expect(none.code == 503 && none.body.contains("no manifest check recorded yet"))
        #expect((try empty.json("/status.json")["repos"] as? [String: Any])?.isEmpty == true, "no store: an empty status")
        #expect(try empty.get("/").code == 200)
        #expect(!FileSystem.exists(empty.storePath), "grok-serve creates no store")

        let stale = try ServeFixture(serve: "healthz_max_age = 60")
        let store = try stale.store()
        store.manifestChecked(error: nil, at: StatusStore.now() - 120)
        store.manifestChecked(error: "HTTP 502", at: StatusStore.now() - 1)
        try stale.start()
        let old = try stale.get("/healthz")
        #expect(old.code == 503 && old.body.contains("more than 60 s") && old.body.contains("HTTP 502"), "\(old)")

        let fresh = try ServeFixture(serve: "healthz_max_age = 60")
        let freshStore = try fresh.store()
        Self.populate(freshStore, now: StatusStore.now())
        try fresh.start()
        #expect(try fresh.get("/healthz").code == 200, "a broken repository does not make it unhealthy")
    }

    /// The view is cached, but a write to the store shows within a second
    /// or so (the store's files are checked on each request).
    @Test func aWriteToTheStoreShowsOnTheNextRequests() throws {
        let f = try ServeFixture()
        let store = try f.store()
        Self.populate(store, now: StatusStore.now())
        try f.start()
        #expect((try f.json("/status.json")["repos"] as? [String: [String: Any]])?["/pub/ok1.git"]?["state"] as? String == "ok")
        store.failed(Gitdir("/pub/ok1.git"), error: "now failing", at: StatusStore.now())
        store.succeeded(Gitdir("/pub/new.git"), kind: "cloned", fetchSeconds: 1, at: StatusStore.now())
        var repos: [String: [String: Any]] = [:]
        for _ in 0..<40 {
            repos = (try f.json("/status.json")["repos"] as? [String: [String: Any]]) ?? [:]
            if repos["/pub/new.git"] != nil { break }
            usleep(100_000)
        }
        #expect(repos["/pub/ok1.git"]?["state"] as? String == "failing")
        #expect(repos["/pub/new.git"]?["state"] as? String == "ok")
        #expect(try f.get("/").body.contains("id=\"count-failing\">2</b>"))
        var metrics = ""
        for _ in 0..<60 where !metrics.contains("grokmirror_repositories{state=\"failing\"} 2.0") {
            metrics = try f.get("/metrics").body
            usleep(250_000)
        }
        #expect(metrics.contains("grokmirror_repositories{state=\"failing\"} 2.0"), "the sums follow the store: \(metrics)")
    }

    @Test func aBadConfigIsRefusedAtStartup() throws {
        let f = try ServeFixture(serve: "listne = 1.2.3.4:80")
        let run = try runProcess(Tools.ours("grok-serve"), ["-c", f.dir.file("serve.conf")], timeout: 20)
        #expect(run.status == 2)
        #expect(run.stderr.contains("[serve] listne: unknown key"))
    }

    /// grok-serve beside a running `grok-pull -o` that mirrors a real origin
    /// over HTTP and pushes each repository on: every endpoint sees what the
    /// service recorded.
    @Test func aMirrorKeptByTheGrokPullService() throws {
        let f = try PullFixture(repos: 4)
        let port = try OriginServer.freePort()
        f.writeConfig(extra: "refresh = 2\n[serve]\nlisten = 127.0.0.1:\(port)\n[push.copy]\nurl = file://\(f.dir.file("copy"))/{gitdir}\n")
        let pull = try Spawn.start([f.pull, "-c", f.config, "-o"])
        defer {
            kill(pull.pid, SIGTERM)
            _ = Spawn.wait(pull, timeout: 30)
        }
        let serve = ServeFixture(config: f.config, port: port)
        try serve.start()
        let expected = Set(f.originRepos)
        var repos: [String: [String: Any]] = [:]
        for _ in 0..<240 {
            repos = (try? serve.json("/status.json")["repos"] as? [String: [String: Any]]) ?? [:]
            if Set(repos.keys) == expected, repos.values.allSatisfy({ $0["state"] as? String == "ok" && $0["last_success"] is Double }) { break }
            usleep(250_000)
        }
        #expect(Set(repos.keys) == expected, "\(repos.keys.sorted())")
        #expect(repos.values.allSatisfy { $0["state"] as? String == "ok" }, "\(repos)")
        #expect(try serve.get("/healthz").code == 200)
        let page = try serve.get("/")
        #expect(page.body.contains("id=\"count-ok\">\(expected.count)</b>"))
        let gitdir = try #require(expected.sorted().first)
        let history = try serve.json("/status" + gitdir + ".json")["history"] as? [[String: Any]]
        #expect(history?.contains { $0["kind"] as? String == "cloned" } == true, "\(String(describing: history))")
        #expect(try serve.get("/status" + gitdir).body.contains("cloned"))
        // /metrics answers from sums made in the background: a write shows
        // within a request or two, or 10 s.
        var metrics = ""
        for _ in 0..<60 where !metrics.contains("grokmirror_repositories{state=\"ok\"} \(expected.count).0") {
            metrics = try serve.get("/metrics").body
            usleep(250_000)
        }
        #expect(metrics.contains("grokmirror_repositories{state=\"ok\"} \(expected.count).0"), "\(metrics)")
        #expect(metrics.contains("grokmirror_heartbeat_timestamp_seconds{tool=\"pull\"}"))
        serve.stop()
    }
}
