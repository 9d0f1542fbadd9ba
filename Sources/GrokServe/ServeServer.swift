import Glibc
import GrokKit
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// grok-serve's HTTP servers, one per `listen` address, sharing one router.
/// Idle and slow clients are dropped after `idleTimeout`. Once every
/// address is bound, systemd is told READY=1.
package enum ServeServer {
    /// Seconds an idle or slow client is kept.
    package static let idleTimeoutSeconds: Int64 = 30

    package static func run(settings: ServeSettings, logger: Logger) async throws {
        // Two malloc arenas instead of eight per core: what a view of 30,000
        // repositories leaves behind is then handed back when it is dropped.
        _ = mallopt(mallocArenaMax, 2)
        let source = StatusSource(settings: settings)
        let environment = ServeEnvironment(settings: settings, source: source, metrics: ServeMetrics(), logger: logger)
        let responder = ServeRouter.make(environment).buildResponder()
        let notifier = SystemdNotifier()
        let bound = Atomic<Int>(0)
        var services: [any Service] = [StatusUpkeep(source: source)]
        for address in settings.listen {
            if case .unix(let path) = address { removeStaleSocket(path) }
            let application = Application(
                responder: responder,
                server: .http1(configuration: .init(idleTimeout: .seconds(idleTimeoutSeconds))),
                configuration: .init(address: bindAddress(address), serverName: "grok-serve"),
                onServerRunning: { _ in
                    logger.info("Listening on \(address)")
                    if bound.add(1, ordering: .relaxed).newValue == settings.listen.count { notifier.notify("READY=1") }
                },
                logger: logger
            )
            services.append(application)
        }
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        notifier.notify("STOPPING=1")
    }

    static func bindAddress(_ address: ServeSettings.ListenAddress) -> BindAddress {
        switch address {
        case .tcp(let host, let port): return .hostname(host, port: port)
        case .unix(let path): return .unixDomainSocket(path: path)
        }
    }

    /// A socket left by a previous run would stop the bind; only a socket
    /// is removed, never another kind of file.
    static func removeStaleSocket(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK else { return }
        unlink(path)
    }
}

/// Keeps /metrics' sums current and hands the status cache's memory back
/// after a quiet spell: at startup builds the pages' view (a restart's
/// first visitors do not wait for it; it is dropped if nobody comes), then
/// every 10 s sums again if the store changed
/// (`StatusSource.refreshSummary`) and releases what an idle grok-serve
/// need not hold (`StatusSource.releaseIfIdle`).
struct StatusUpkeep: Service {
    let source: StatusSource

    func run() async throws {
        await cancelWhenGracefulShutdown {
            // The sums first: a scrape soon after a restart gets them
            // while the larger view is still being built.
            source.refreshSummary()
            _ = source.view()
            while !Task.isCancelled {
                source.refreshSummary()
                source.releaseIfIdle()
                try? await Task.sleep(for: .seconds(10))
            }
        }
    }
}

/// `grok-serve -c CONF`: loads the config (the mirror may be read-only),
/// checks `[serve]`, and serves until SIGTERM or SIGINT.
package enum ServeCommand {
    package static func run(configPath: String, verbose: Bool) async -> Int32 {
        let config: GrokConfig
        let settings: ServeSettings
        do {
            config = try GrokConfig.load(path: configPath, writableToplevel: false)
            try config.validate()
            settings = try ServeSettings(config: config)
        } catch {
            StandardError.write("grok-serve: \(error.description)")
            return 2
        }
        // Logs go to stderr (the journal): grok-serve writes nothing to disk.
        let logger = Logger.grok(tool: "serve", verbose: verbose, file: nil, debug: config.core.debug)
        do {
            try await ServeServer.run(settings: settings, logger: logger)
            return 0
        } catch {
            logger.critical("grok-serve: \(error)")
            return 1
        }
    }
}

/// glibc's mallopt(3) and M_ARENA_MAX (malloc.h is not in the Glibc module).
@_silgen_name("mallopt")
private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
private let mallocArenaMax: Int32 = -8
