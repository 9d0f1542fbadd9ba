import Crypto
import GrokKit
import Hummingbird
import Logging

/// `POST /notify/<gitdir>`, only with `[serve] webhook_secret`: a webhook
/// from GitHub, Gitea or GitLab whose signature or token proves the secret
/// hands the gitdir to grok-pull's socket (202). A body over 1 MiB is 413,
/// a repository not served 404, a bad or missing credential 401.
package enum WebhookRoutes: ServeRoutes {
    static let maximumBody = 1 << 20

    package static func add(to router: Router<ServeContext>, environment: ServeEnvironment) {
        guard let secret = environment.settings.webhookSecret else { return }
        let endpoint = WebhookEndpoint(secret: Array(secret.utf8), repositories: ServedRepositories(settings: environment.settings),
                                       socket: environment.settings.pullSocket, logger: environment.logger)
        router.post("/notify/**") { request, _ in await endpoint.notify(request) }
    }
}

struct WebhookEndpoint: Sendable {
    let secret: [UInt8]
    let repositories: ServedRepositories
    let socket: String?
    let logger: Logger

    func notify(_ request: Request) async -> Response {
        guard let gitdir = RequestPath.decode(request.uri.path.dropFirst("/notify".count)) else { return Reply.text("bad path\n", status: .badRequest) }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > WebhookRoutes.maximumBody { return tooLarge() }
        var body: [UInt8] = []
        do {
            for try await buffer in request.body {
                guard body.count + buffer.readableBytes <= WebhookRoutes.maximumBody else { return tooLarge() }
                body += buffer.readableBytesView
            }
        } catch {
            return Reply.text("unreadable body\n", status: .badRequest)
        }
        guard repositories.locate(gitdir) != nil else { return Reply.text("no such repository\n", status: .notFound) }
        let credential: WebhookCredential
        do {
            credential = try WebhookCredential.from { name in request.headers.first { $0.name.canonicalName == name.lowercased() }?.value }
        } catch {
            return Reply.text("\(error)\n", status: .unauthorized)
        }
        guard credential.verify(body: body, secret: secret, hmacSHA256: Self.hmacSHA256) else {
            logger.notice("webhook for \(gitdir): bad signature")
            return Reply.text("bad signature\n", status: .unauthorized)
        }
        guard let socket else { return Reply.text("no [pull] socket to notify\n", status: .serviceUnavailable) }
        do {
            try NotificationSender.send(gitdir: gitdir, to: socket)
        } catch {
            logger.warning("webhook for \(gitdir): \(error)")
            return Reply.text("grok-pull is not listening\n", status: .serviceUnavailable)
        }
        logger.info("webhook: asked grok-pull to fetch \(gitdir)")
        return Reply.text("accepted\n", status: .accepted)
    }

    private func tooLarge() -> Response { Reply.text("body over 1 MiB\n", status: .contentTooLarge) }

    static func hmacSHA256(_ key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }
}
