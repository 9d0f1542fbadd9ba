import GrokKit
import Hummingbird

/// `/`, `/status/<gitdir>`, `/status.json`, `/status/<gitdir>.json`,
/// `/metrics` and `/healthz`: all read the status store, none writes.
package enum StatusRoutes: ServeRoutes {
    package static func add(to router: Router<ServeContext>, environment: ServeEnvironment) {
        let source = environment.source
        let settings = environment.settings
        let pages: [(String, @Sendable (Request) -> Response)] = [
            ("/healthz", { _ in healthz(source.manifestChecks(), settings: settings) }),
            ("/metrics", { _ in
                Reply.body(environment.metrics.exposition(source.summary()), type: "text/plain; version=0.0.4; charset=utf-8", status: .ok)
            }),
            ("/status.json", { _ in
                let view = source.view()
                return Reply.json(view.allJSON.get { StatusJSON.all(view, now: view.takenAt) })
            }),
            ("/", { request in index(request, source) }),
            ("/status/**", { request in repository(request, source) }),
        ]
        for (path, page) in pages {
            router.get(RouterPath(path)) { request, _ in page(request) }
            // HEAD answers as GET would, without the body (a monitor's
            // check); the archive routes take every other HEAD.
            router.head(RouterPath(path)) { request, _ in headOnly(page(request)) }
        }
    }

    /// The headers (with the length) and status of `response`, no body.
    static func headOnly(_ response: Response) -> Response {
        var headers = response.headers
        if let length = response.body.contentLength { headers[.contentLength] = String(length) }
        return Response(status: response.status, headers: headers, body: ResponseBody())
    }

    static func index(_ request: Request, _ source: StatusSource) -> Response {
        let parameters = request.uri.queryParameters
        let query = StatusPages.IndexQuery(text: parameters["q"].map(String.init) ?? "",
                                           state: parameters["state"].map(String.init),
                                           page: parameters["page"].flatMap { Int($0) } ?? 1)
        return Reply.html(StatusPages.index(source.view(), query: query, now: StatusStore.now()))
    }

    /// Reads the store's few manifest-check rows, never the 30,000
    /// repositories: a health check answers at once, whatever is cached.
    static func healthz(_ checks: StatusSnapshot, settings: ServeSettings) -> Response {
        let health = Health.evaluate(lastSuccessfulCheck: checks.lastSuccessfulManifestCheck, lastError: checks.manifestCheckError,
                                     maxAge: settings.healthzMaxAge, now: StatusStore.now())
        return Reply.text(health.reason + "\n", status: health.healthy ? .ok : .serviceUnavailable)
    }

    /// `/status/<gitdir>` (HTML) or `/status/<gitdir>.json`. The path names a
    /// repository of the store, never a file: a traversal or an unknown name
    /// finds nothing.
    static func repository(_ request: Request, _ source: StatusSource) -> Response {
        let raw = request.uri.path.dropFirst("/status".count)
        guard let path = RequestPath.decode(raw) else { return Reply.text("bad path\n", status: .badRequest) }
        let view = source.view()
        if let row = view.repository(path) {
            return Reply.html(StatusPages.repository(row, fsckLastCheck: view.fsckLastCheck(row), history: source.history(path), now: StatusStore.now()))
        }
        if path.hasSuffix(".json"), let row = view.repository(String(path.dropLast(5))) {
            return Reply.json(StatusJSON.one(row, fsckLastCheck: view.fsckLastCheck(row), history: source.history(row.gitdir)))
        }
        return Reply.text("no such repository\n", status: .notFound)
    }
}
