import GrokKit
import Hummingbird

/// `/`, `/status/<gitdir>`, `/status.json`, `/status/<gitdir>.json`,
/// `/metrics` and `/healthz`: all read the status view, none writes.
package enum StatusRoutes: ServeRoutes {
    package static func add(to router: Router<ServeContext>, environment: ServeEnvironment) {
        let source = environment.source
        let settings = environment.settings
        router.get("/healthz") { _, _ in healthz(source.view(), settings: settings) }
        router.get("/metrics") { _, _ in
            Reply.body(environment.metrics.exposition(source.view()), type: "text/plain; version=0.0.4; charset=utf-8", status: .ok)
        }
        router.get("/status.json") { _, _ in
            let view = source.view()
            return Reply.json(view.allJSON.get { StatusJSON.all(view, now: view.takenAt) })
        }
        router.get("/") { request, _ in
            let parameters = request.uri.queryParameters
            let query = StatusPages.IndexQuery(text: parameters["q"].map(String.init) ?? "",
                                               state: parameters["state"].map(String.init),
                                               page: parameters["page"].flatMap { Int($0) } ?? 1)
            return Reply.html(StatusPages.index(source.view(), query: query, now: StatusStore.now()))
        }
        router.get("/status/**") { request, _ in repository(request, source) }
    }

    static func healthz(_ view: StatusView, settings: ServeSettings) -> Response {
        let health = Health.evaluate(lastSuccessfulCheck: view.snapshot.lastSuccessfulManifestCheck, lastError: view.snapshot.manifestCheckError,
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
            return Reply.html(StatusPages.repository(row, history: source.history(path), now: StatusStore.now()))
        }
        if path.hasSuffix(".json"), let row = view.repository(String(path.dropLast(5))) {
            return Reply.json(StatusJSON.one(row, history: source.history(row.gitdir)))
        }
        return Reply.text("no such repository\n", status: .notFound)
    }
}
