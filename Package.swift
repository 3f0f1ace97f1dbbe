// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "vibn-gateway",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vibn-gateway", targets: ["vibn-gateway"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
    ],
    targets: [
        // The domain by capability, its ports, and the core composition root (Gateway). Imports no adapter.
        .target(
            name: "GatewayCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Store implementations: embedded SQLite (default) and PostgreSQL.
        .target(
            name: "Storage",
            dependencies: [
                "GatewayCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // Only for `ConnectionPoolError`, which PostgresClient throws as is (e.g. its circuit breaker).
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Compose documents from templates/ and Traefik dynamic configuration.
        .target(
            name: "PreviewConfig",
            dependencies: [
                "GatewayCore",
                "URLSessionSupport",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // The default compose template (templates/dev-compose.yml.mustache links to it).
            resources: [.copy("Resources/dev-compose.yml.mustache")],
            swiftSettings: swiftSettings
        ),
        // The ssh-Process module: OpenSSH child processes reaching containers via docker exec.
        .target(
            name: "SSHExec",
            dependencies: [
                "GatewayCore",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: swiftSettings
        ),
        // URLSession calls that task cancellation cannot deadlock (swift-corelibs-foundation), for every HTTP client.
        .target(
            name: "URLSessionSupport",
            swiftSettings: swiftSettings
        ),
        // Coolify REST client (URLSession over libcurl) and webhook payloads.
        .target(
            name: "Coolify",
            dependencies: ["GatewayCore", "URLSessionSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // Standard Webhooks signatures, and the outbox that delivers the gateway's events to the chat backend.
        .target(
            name: "Events",
            dependencies: [
                "GatewayCore", "URLSessionSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The Hummingbird application: routes, auth, error mapping, OpenAPI document.
        .target(
            name: "GatewayHTTP",
            dependencies: [
                // Coolify: the webhook route reads Coolify's payloads.
                "GatewayCore", "Events", "Coolify",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [.copy("Resources/openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        // The composition root of `serve`: opens every adapter from validated settings and runs the Gateway on them.
        .target(
            name: "GatewayServer",
            dependencies: [
                "GatewayCore", "Storage", "GatewayHTTP", "PreviewConfig", "SSHExec", "Coolify", "Events", "URLSessionSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                // The server list (VIBN_SERVERS_FILE).
                .product(name: "Yams", package: "Yams"),
                // The doctor reads the default certificate's names and expiry.
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),
        // The CLI: parses options into settings (serve, migrate, render, ...) and hands them to GatewayServer.
        .executableTarget(
            name: "vibn-gateway",
            dependencies: [
                "GatewayServer", "GatewayCore", "Storage", "GatewayHTTP", "PreviewConfig", "SSHExec", "Coolify", "Events",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // p50/p99 of `true` through SSHExec and POST …/exec beside fresh and multiplexed raw ssh (scripts/bench-exec).
        .executableTarget(
            name: "ExecBench",
            dependencies: [
                "GatewayCore", "GatewayHTTP", "SSHExec", "Storage", "GatewayTestSupport",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/ExecBench",
            swiftSettings: swiftSettings
        ),
        // Render+write time of the Traefik configuration for 1,000 and 10,000 projects x 10 slots, beside the real
        // Traefik's reload of the same file as the floor (scripts/bench-preview).
        .executableTarget(
            name: "PreviewBench",
            dependencies: [
                "BenchSupport", "GatewayCore", "PreviewConfig", "GatewayTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/PreviewBench",
            swiftSettings: swiftSettings
        ),
        // One chat-turn signature check on a 1 MiB body with 1 and 5,000 candidates, beside one raw HMAC of the body
        // as the floor (scripts/bench-signature).
        .executableTarget(
            name: "TurnBench",
            dependencies: [
                "BenchSupport", "GatewayTestSupport",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Benchmarks/TurnBench",
            swiftSettings: swiftSettings
        ),
        // What the benchmarks that drive the release gateway share: running it, PostgreSQL through psql, /proc readings.
        .target(
            name: "BenchSupport",
            dependencies: [
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Benchmarks/BenchSupport",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "SignatureBench",
            dependencies: ["Events", .product(name: "Crypto", package: "swift-crypto")],
            path: "Benchmarks/SignatureBench",
            swiftSettings: swiftSettings
        ),
        // Real test peers shared by the test targets: PostgreSQL settings, sshd, Traefik, a Coolify stand-in.
        .target(
            name: "GatewayTestSupport",
            dependencies: [
                "GatewayCore", "SSHExec", "URLSessionSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/GatewayTestSupport",
            // The `docker` stand-in is a script scripts/lib/sshd.sh puts on the test user's PATH, not a resource.
            exclude: ["Stand-ins"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GatewayCoreTests",
            dependencies: ["GatewayCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StorageTests",
            dependencies: [
                "Storage", "GatewayCore", "Coolify", "Events", "GatewayTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GatewayHTTPTests",
            dependencies: [
                "GatewayHTTP", "GatewayCore", "Storage", "SSHExec", "Coolify", "PreviewConfig", "Events", "GatewayTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PreviewConfigTests",
            dependencies: [
                "PreviewConfig", "GatewayCore", "Storage", "GatewayTestSupport",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SSHExecTests",
            dependencies: ["SSHExec", "GatewayCore", "GatewayTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EventsTests",
            dependencies: ["Events", "GatewayCore", "Storage", "GatewayTestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // The whole loop through the real `vibn-gateway serve` binary (VIBN_GATEWAY_BIN, exported by scripts/test)
        // with every real peer: Coolify stand-in, sshd with the docker stand-in, Traefik, git, an event receiver.
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "GatewayCore", "Events", "GatewayTestSupport", "URLSessionSupport",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CoolifyTests",
            dependencies: ["Coolify", "GatewayCore", "GatewayTestSupport", "URLSessionSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
    ]
)
