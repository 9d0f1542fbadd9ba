// swift-tools-version: 6.2
import PackageDescription

// Linux only: the sources call Glibc directly (posix_spawn, lockf, inotify-
// free polling, /proc), so no Apple platform is declared.

/// A command-line tool: a thin ArgumentParser front over GrokKit.
func tool(_ name: String, also: [Target.Dependency] = [], linkerSettings: [LinkerSetting] = []) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["GrokKit", "GrokCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")] + also,
        linkerSettings: linkerSettings
    )
}

/// grok-serve runs for months, mostly idle. Linked with the Swift runtime
/// and Foundation as static archives (with lld, which finds symbols across
/// archives in any order), it maps no shared Swift library: an idle
/// grok-serve holds 33.6 MiB instead of 38.1 (bench/serve.sh), the pages of
/// whole libraries it barely uses. Foundation's archive needs its C parts
/// named. Release builds only: the tests' debug builds link as every other
/// tool does, which the short-lived tools gain nothing from changing.
let staticSwiftRuntime: [LinkerSetting] = [
    .unsafeFlags(["-static-stdlib", "-use-ld=lld", "-lCoreFoundation", "-l_FoundationICU", "-l_FoundationCollections", "-l_FoundationCShims", "-lstdc++"],
                 .when(configuration: .release)),
]

let package = Package(
    name: "grokmirror-swift",
    products: [
        .executable(name: "grok-manifest", targets: ["grok-manifest"]),
        .executable(name: "grok-pull", targets: ["grok-pull"]),
        .executable(name: "grok-fsck", targets: ["grok-fsck"]),
        .executable(name: "grok-push", targets: ["grok-push"]),
        .executable(name: "grok-serve", targets: ["grok-serve"]),
        .executable(name: "grok-dumb-pull", targets: ["grok-dumb-pull"]),
        .executable(name: "grok-bundle", targets: ["grok-bundle"]),
        .executable(name: "grok-pi-piper", targets: ["grok-pi-piper"]),
        .executable(name: "grok-pi-indexer", targets: ["grok-pi-indexer"]),
        .library(name: "GrokKit", targets: ["GrokKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(
            name: "CZlib",
            path: "Sources/CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            path: "Sources/CCurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            path: "Sources/CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(name: "CProcessShims", path: "Sources/CProcessShims"),
        .target(
            name: "GrokKit",
            dependencies: [
                "CZlib",
                "CCurl",
                "CProcessShims",
                "CSQLite",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HeapModule", package: "swift-collections"),
            ]
        ),
        .target(
            name: "GrokCLI",
            dependencies: ["GrokKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        tool("grok-manifest"),
        tool("grok-pull"),
        tool("grok-fsck"),
        tool("grok-push"),
        tool("grok-dumb-pull"),
        tool("grok-bundle"),
        tool("grok-pi-piper"),
        tool("grok-pi-indexer"),
        // Everything server-side of grok-serve; GrokKit stays free of HTTP.
        .target(
            name: "GrokServe",
            dependencies: [
                "GrokKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // HMAC-SHA256 of webhooks; only grok-serve links it.
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        tool("grok-serve", also: ["GrokServe"], linkerSettings: staticSwiftRuntime),
        // bench/queue.sh's workload; not installed (see the Makefile's TOOLS).
        .executableTarget(name: "queue-bench", dependencies: ["GrokKit"], path: "bench/queue-bench"),
        .target(name: "TestSupport", dependencies: ["GrokKit"], path: "Tests/TestSupport"),
        .testTarget(name: "GrokKitTests", dependencies: ["GrokKit", "TestSupport"]),
        .testTarget(name: "GrokServeTests", dependencies: ["GrokServe", "GrokKit", "TestSupport"]),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "GrokKit", "TestSupport", "grok-manifest", "grok-pull", "grok-fsck", "grok-push", "grok-serve", "grok-dumb-pull", "grok-bundle", "grok-pi-piper", "grok-pi-indexer",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
