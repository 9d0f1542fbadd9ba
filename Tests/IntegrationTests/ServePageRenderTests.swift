import Foundation
import GrokKit
import Testing
import TestSupport

/// grok-serve's pages as a browser renders them: Debian's headless
/// Chromium loads `/` and a repository page, dumps the DOM it built and
/// takes a screenshot (scripts/screenshots.sh makes the same pictures for
/// a person to look at).
@Suite(.serialized) struct ServePageRenderTests {
    static let window = (width: 1200, height: 900)

    /// Runs headless Chromium on `url` with `mode` (`--dump-dom` or
    /// `--screenshot=FILE`); its stdout.
    static func chromium(_ mode: String, _ url: String, profile: String) throws -> String {
        let outcome = try runProcess("/usr/bin/chromium", [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            "--user-data-dir=" + profile, "--window-size=\(window.width),\(window.height)", mode, url,
        ], timeout: 120)
        #expect(outcome.status == 0, "chromium \(mode) \(url): \(outcome.stderr.suffix(400))")
        return outcome.stdout
    }

    /// A PNG's width and height, from its IHDR chunk.
    static func pngSize(_ data: Data) -> (Int, Int)? {
        let bytes = [UInt8](data.prefix(24))
        guard bytes.count == 24, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], bytes[12..<16] == [0x49, 0x48, 0x44, 0x52] else {
            return nil
        }
        func number(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (number(16), number(20))
    }

    @Test func theIndexAndARepositoryPageRenderInABrowser() throws {
        let f = try ServeFixture()
        ServeTests.populate(try f.store(), now: StatusStore.now())
        try f.start()
        let profile = f.dir.file("chromium-profile")
        let base = "http://127.0.0.1:\(f.port)"

        let dom = try Self.chromium("--dump-dom", base + "/", profile: profile)
        #expect(dom.contains("<title>grokmirror status</title>"), "\(dom.prefix(300))")
        let order = ["/pub/broken.git", "/pub/failing.git", "/pub/behind.git", "/pub/ok1.git", "/pub/ok2.git"]
            .map { dom.range(of: ">\($0)</a>")?.lowerBound }
        #expect(order.allSatisfy { $0 != nil } && order.map { $0! } == order.map { $0! }.sorted(), "the table, worst first, as rendered")
        #expect(dom.contains("&lt;script&gt;alert('pwned')&lt;/script&gt;"), "the error text is text in the DOM")
        #expect(!dom.contains("<script"), "no script element was made of it")
        #expect(dom.contains("<form") && dom.contains("name=\"q\""), "the filter box")
        #expect(!dom.contains("secret"))

        let repositoryDOM = try Self.chromium("--dump-dom", base + "/status/pub/failing.git", profile: profile)
        #expect(repositoryDOM.contains("<h2>History</h2>") && repositoryDOM.contains("class=\"state failing\""))
        #expect(repositoryDOM.contains("&lt;script&gt;") && !repositoryDOM.contains("<script"))

        for (name, path) in [("index.png", "/"), ("repository.png", "/status/pub/failing.git")] {
            let file = f.dir.file(name)
            _ = try Self.chromium("--screenshot=" + file, base + path, profile: profile)
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            let size = try #require(Self.pngSize(data), "\(name) is not a PNG")
            #expect(size == (Self.window.width, Self.window.height), "\(name): \(size)")
            // A blank page of this size compresses to about 5 KB; text,
            // rules and coloured states make several times that.
            #expect(data.count > 15_000, "\(name) looks empty: \(data.count) bytes")
        }
        f.stop()
    }
}
