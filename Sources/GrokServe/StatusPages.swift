import GrokKit

/// The HTML pages: `/` (summary counts, then a table worst first, with a
/// filter form and pages of 100) and `/status/<gitdir>`. No JavaScript;
/// every string from a repository or an origin is escaped.
package enum StatusPages {
    package static let pageSize = 100

    package struct IndexQuery: Sendable, Equatable {
        package var text = ""
        package var state: String?
        package var page = 1

        package init(text: String = "", state: String? = nil, page: Int = 1) {
            self.text = text
            self.state = state.flatMap { RepositoryState.names.contains($0) ? $0 : nil }
            self.page = max(1, page)
        }

        func link(page: Int) -> String {
            var parts = ["page=\(page)"]
            if !text.isEmpty { parts.append("q=" + Escape.urlQuery(text)) }
            if let state { parts.append("state=" + state) }
            return "/?" + parts.joined(separator: "&amp;")
        }
    }

    static let style = """
        body{font-family:sans-serif;margin:1em 2em}table{border-collapse:collapse;width:100%}table.history{width:auto}
        td,th{border-bottom:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top;font-size:90%}
        .ok{color:#176117}.behind{color:#8a6100}.failing{color:#b3261e}.broken{color:#fff;background:#b3261e}
        .state{font-weight:bold}.err{font-family:monospace;white-space:pre-wrap;max-width:40em;overflow-wrap:anywhere}
        .summary span{margin-right:1.5em}nav a{margin-right:1em}
        """

    static func head(_ title: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
        <title>\(Escape.html(title))</title><style>\(style)</style></head><body>

        """
    }

    package static func index(_ view: StatusView, query: IndexQuery, now: Double) -> String {
        let matching = view.filtered(query: query.text, state: query.state)
        let pages = max(1, (matching.count + pageSize - 1) / pageSize)
        let page = min(query.page, pages)
        var html = head("grokmirror status")
        html += "<h1>grokmirror status</h1>\n" + summary(view, now: now)
        html += """
            <form method="get" action="/"><label>Filter <input type="search" name="q" value="\(Escape.html(query.text))"></label>
            <select name="state"><option value="">any state</option>\(RepositoryState.names.map { name in
                "<option\(name == query.state ? " selected" : "")>\(name)</option>" }.joined())</select>
            <button type="submit">Show</button></form>

            """
        html += "<p>\(matching.count) of \(view.repositories.count) repositories; page \(page) of \(pages)</p>\n"
        html += table(matching.dropFirst((page - 1) * pageSize).prefix(pageSize), fsckLastCheck: view.fsckLastCheck, now: now)
        html += navigation(query: query, page: page, pages: pages)
        return html + "</body></html>\n"
    }

    static func summary(_ view: StatusView, now: Double) -> String {
        var html = "<p class=\"summary\">"
        for name in RepositoryState.names {
            html += "<span class=\"\(name)\"><a class=\"\(name)\" href=\"/?state=\(name)\">\(name)</a>: <b id=\"count-\(name)\">\(view.counts[name] ?? 0)</b></span>"
        }
        html += "</p>\n<p>Last manifest check: \(TimeText.utc(view.snapshot.lastManifestCheck))"
        if let error = view.snapshot.manifestCheckError { html += " (failed: <span class=\"err\">\(Escape.html(error))</span>)" }
        html += "; last successful: \(TimeText.utc(view.snapshot.lastSuccessfulManifestCheck))"
        if !view.storeFound { html += "; no status recorded yet" }
        return html + "</p>\n"
    }

    static func table(_ rows: ArraySlice<ServedRepository>, fsckLastCheck: (ServedRepository) -> String?, now: Double) -> String {
        var html = "<table><thead><tr><th>Repository</th><th>State</th><th>Behind for</th><th>Failures / last error</th>"
        html += "<th>Last success</th><th>Push</th><th>Last fsck</th></tr></thead><tbody>\n"
        for row in rows {
            let gitdir = Escape.html(row.gitdir)
            html += "<tr><td><a href=\"/status\(Escape.html(Escape.urlPath(row.gitdir)))\">\(gitdir)</a></td>"
            html += "<td class=\"state \(row.state.name)\">\(row.state.name)</td>"
            html += "<td>\(row.status.behindSince.map { TimeText.duration(now - $0) } ?? "")</td>"
            html += "<td>\(failures(row))</td><td>\(TimeText.utc(row.status.lastSuccess))</td>"
            html += "<td>\(pushCell(row))</td><td>\(Escape.html(fsckLastCheck(row) ?? "—"))</td></tr>\n"
        }
        return html + "</tbody></table>\n"
    }

    static func failures(_ row: ServedRepository) -> String {
        guard row.status.consecutiveFailures > 0 else { return "" }
        return "\(row.status.consecutiveFailures) × <span class=\"err\">\(Escape.html(row.status.lastError ?? ""))</span>"
    }

    static func pushCell(_ row: ServedRepository) -> String {
        row.pushes.map { push in
            let state = push.consecutiveFailures > 0 ? "failing (\(push.consecutiveFailures))"
                : StatusView.isBehind(push, row.status) ? "behind" : "ok"
            return "\(Escape.html(push.destination)): \(state)"
        }.joined(separator: "<br>")
    }

    static func navigation(query: IndexQuery, page: Int, pages: Int) -> String {
        guard pages > 1 else { return "" }
        var html = "<nav>"
        if page > 1 { html += "<a rel=\"prev\" href=\"\(query.link(page: page - 1))\">previous</a>" }
        if page < pages { html += "<a rel=\"next\" href=\"\(query.link(page: page + 1))\">next</a>" }
        return html + "</nav>\n"
    }

    package static func repository(_ row: ServedRepository, fsckLastCheck: String?, history: [StatusEvent], now: Double) -> String {
        let status = row.status
        var html = head(row.gitdir + " — grokmirror status")
        html += "<p><a href=\"/\">all repositories</a></p><h1>\(Escape.html(row.gitdir))</h1>\n<table>"
        let fields: [(String, String)] = [
            ("State", "<span class=\"state \(row.state.name)\">\(row.state.name)</span>"),
            ("Behind for", status.behindSince.map { TimeText.duration(now - $0) } ?? "—"),
            ("Consecutive failures", String(status.consecutiveFailures)),
            ("Failing since", TimeText.utc(status.failingSince)),
            ("Last error", "<span class=\"err\">\(Escape.html(status.lastError ?? ""))</span>"),
            ("Last attempt", TimeText.utc(status.lastAttempt)), ("Last success", TimeText.utc(status.lastSuccess)),
            ("Last failure", TimeText.utc(status.lastFailure)),
            ("Last fetch took", status.fetchSeconds.map(TimeText.seconds) ?? "—"),
            ("Push", pushCell(row)), ("Last fsck", Escape.html(fsckLastCheck ?? "—")),
        ]
        for (name, value) in fields { html += "<tr><th>\(name)</th><td>\(value)</td></tr>\n" }
        html += "</table>\n<h2>History</h2>\n<table class=\"history\"><thead><tr><th>When</th><th>Tool</th><th>Event</th><th>Detail</th></tr></thead><tbody>\n"
        for event in history {
            html += "<tr><td>\(TimeText.utc(event.at))</td><td>\(Escape.html(event.tool))</td><td>\(Escape.html(event.kind))</td>"
            html += "<td class=\"err\">\(Escape.html(event.detail))</td></tr>\n"
        }
        return html + "</tbody></table></body></html>\n"
    }
}
