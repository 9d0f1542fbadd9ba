import GrokKit
import Hummingbird
import Logging

package typealias ServeContext = BasicRequestContext

/// What every group of routes is given.
package struct ServeEnvironment: Sendable {
    package let settings: ServeSettings
    package let source: StatusSource
    package let metrics: ServeMetrics
    package let logger: Logger

    package init(settings: ServeSettings, source: StatusSource, metrics: ServeMetrics, logger: Logger) {
        self.settings = settings
        self.source = source
        self.metrics = metrics
        self.logger = logger
    }
}

/// One concern's endpoints (status, archives, webhooks): each adds its
/// routes to the router in `add`.
package protocol ServeRoutes {
    static func add(to router: Router<ServeContext>, environment: ServeEnvironment)
}

package enum ServeRouter {
    /// Every concern's routes, in order. Archives (`ArchiveRoutes`, in
    /// Archive*.swift) and webhooks (`WebhookRoutes`, in Webhook*.swift)
    /// are added to this list.
    package static var concerns: [any ServeRoutes.Type] { [StatusRoutes.self, ArchiveRoutes.self, WebhookRoutes.self] }

    package static func make(_ environment: ServeEnvironment) -> Router<ServeContext> {
        let router = Router(context: ServeContext.self)
        router.add(middleware: ResponseCounting(metrics: environment.metrics))
        for concern in concerns { concern.add(to: router, environment: environment) }
        return router
    }
}

/// Counts every response by status class (for /metrics), and adds the
/// headers every page gets.
struct ResponseCounting: RouterMiddleware {
    typealias Context = ServeContext
    let metrics: ServeMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            var response = try await next(request, context)
            response.headers[.xContentTypeOptions] = "nosniff"
            metrics.countResponse(status: response.status.code)
            return response
        } catch let error as HTTPError {
            metrics.countResponse(status: error.status.code)
            throw error
        }
    }
}

/// Responses of the status endpoints.
package enum Reply {
    package static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        body(Array(text.utf8), type: "text/html; charset=utf-8", status: status, extra: [
            .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
        ])
    }

    package static func text(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        body(Array(text.utf8), type: "text/plain; charset=utf-8", status: status)
    }

    package static func json(_ bytes: [UInt8]) -> Response { body(bytes, type: "application/json", status: .ok) }

    package static func body(_ bytes: [UInt8], type: String, status: HTTPResponse.Status, extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: type, .cacheControl: "no-cache"]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
