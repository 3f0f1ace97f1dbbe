import ArgumentParser
import Foundation
import GatewayCore
import Logging
import PreviewConfig

/// Compose documents and preview routing: the template, dev image and limits, and how Traefik publishes previews.
struct PreviewOptions: ParsableArguments {
    @Option(help: "Folder holding dev-compose.yml.mustache; unset: ./templates when it has one, else the built-in template. (env: VIBN_TEMPLATES_DIR, default: ./templates)")
    var templatesDir: String?

    @Option(help: "Dev container image, built on the Coolify host. (env: VIBN_DEV_IMAGE, default: vibn-dev:latest)")
    var devImage: String?

    @Option(help: "CPU limit of a dev container. (env: VIBN_DEV_CPU_LIMIT, default: 1)")
    var devCpuLimit: String?

    @Option(help: "Memory limit of a dev container. (env: VIBN_DEV_MEM_LIMIT, default: 1g)")
    var devMemLimit: String?

    @Option(help: "Domain under which preview hosts live. (env: VIBN_PREVIEW_DOMAIN_BASE, default: preview.vibnai.com)")
    var previewDomainBase: String?

    @Option(help: "Comma-separated Traefik entry points of preview routers. (env: VIBN_PREVIEW_ENTRYPOINTS, default: https)")
    var previewEntrypoints: String?

    @Option(help: "Traefik certificate resolver of preview routers; empty: no tls section (plain HTTP). (env: VIBN_PREVIEW_CERT_RESOLVER, default: letsencrypt-dns)")
    var previewCertResolver: String?

    @Option(help: "Upstream URL pattern of a preview, with {serviceUuid} and {port}. (env: VIBN_PREVIEW_UPSTREAM, default: \(PreviewRouting.defaultUpstreamPattern))")
    var previewUpstream: String?

    @Option(help: "The gateway's origin as Traefik reaches it (e.g. http://vibn-gateway:8080): adds a lowest-priority catch-all router for preview hosts that sends visits of previews without a live route to the gateway, which wakes the project and shows a page that reloads itself; unset: no catch-all. (env: VIBN_PREVIEW_WAKE_URL)")
    var previewWakeURL: String?

    @Option(help: "Wildcard certificate of the preview domain, emitted as Traefik's default certificate (saves an RSA key generation per reload); needs the key file too. (env: VIBN_PREVIEW_DEFAULT_CERT_FILE)")
    var previewDefaultCertFile: String?

    @Option(help: "Key of the default certificate. (env: VIBN_PREVIEW_DEFAULT_KEY_FILE)")
    var previewDefaultKeyFile: String?

    @Option(help: "Directory Traefik's file provider watches; the gateway owns vibn-previews.yml in it. (env: TRAEFIK_DYNAMIC_DIR, default: ./traefik/dynamic)")
    var traefikDynamicDir: String?

    @Option(help: "Traefik's Prometheus endpoint (metrics.prometheus with addRoutersLabels, e.g. http://coolify-proxy:8080/metrics): read every minute, so requests to a project's previews count as activity and keep it from the idle sweep; unset: not read. (env: TRAEFIK_METRICS_URL)")
    var traefikMetricsURL: String?

    @Option(help: "Traefik's API (api.insecure or a router to api@internal, e.g. http://coolify-proxy:8080): vibn-gateway doctor checks that Traefik has loaded every router of vibn-previews.yml; unset: not checked. (env: TRAEFIK_API_URL)")
    var traefikApiURL: String?

    @Option(help: "Bearer token of GET /v1/traefik/dynamic (Traefik's HTTP provider), never the API token; unset: that route is off (404 traefik_provider_disabled). Prefer the environment for secrets. (env: TRAEFIK_PROVIDER_TOKEN)")
    var traefikProviderToken: String?

    // MARK: Resolved settings

    /// The dev container image, for the compose document and the container rows.
    var image: String {
        Setting.string(self.devImage, env: "VIBN_DEV_IMAGE", default: LifecycleSettings.defaultImage)
    }

    /// The compose template, loaded and proven to render a valid document.
    /// - Throws: When the template is missing or broken, or a setting is malformed; the message names the problem.
    func composeTemplate() throws -> ComposeTemplate {
        let settings = try ComposeSettings(
            image: self.image,
            cpuLimit: Setting.string(self.devCpuLimit, env: "VIBN_DEV_CPU_LIMIT", default: "1"),
            memoryLimit: Setting.string(self.devMemLimit, env: "VIBN_DEV_MEM_LIMIT", default: "1g")
        )
        // A folder that was named must hold the template; without one, ./templates is used when it has it,
        // else the template shipped with the gateway.
        if let directory = Setting.string(self.templatesDir, env: "VIBN_TEMPLATES_DIR") {
            return try ComposeTemplate.load(directory: directory, settings: settings)
        }
        if FileManager.default.fileExists(atPath: "./templates/\(ComposeTemplate.fileName)") {
            return try ComposeTemplate.load(directory: "./templates", settings: settings)
        }
        return try ComposeTemplate.builtIn(settings: settings)
    }

    /// How previews are routed.
    func routing() throws -> PreviewRouting {
        let entryPoints = Setting.string(self.previewEntrypoints, env: "VIBN_PREVIEW_ENTRYPOINTS", default: "https")
        // An empty resolver (flag or environment) is meaningful: routers without TLS.
        let resolver = self.previewCertResolver ?? Setting.environment["VIBN_PREVIEW_CERT_RESOLVER"] ?? "letsencrypt-dns"
        return try PreviewRouting(
            domainBase: Setting.string(self.previewDomainBase, env: "VIBN_PREVIEW_DOMAIN_BASE", default: "preview.vibnai.com"),
            entryPoints: entryPoints.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
            certResolver: resolver.isEmpty ? nil : resolver,
            upstreamPattern: Setting.string(self.previewUpstream, env: "VIBN_PREVIEW_UPSTREAM", default: PreviewRouting.defaultUpstreamPattern),
            wakeURL: Setting.string(self.previewWakeURL, env: "VIBN_PREVIEW_WAKE_URL")
        )
    }

    /// Builds the Traefik configuration, with the default certificate when both files are set.
    func traefikBuilder() throws -> TraefikConfigBuilder {
        let certFile = Setting.string(self.previewDefaultCertFile, env: "VIBN_PREVIEW_DEFAULT_CERT_FILE")
        let keyFile = Setting.string(self.previewDefaultKeyFile, env: "VIBN_PREVIEW_DEFAULT_KEY_FILE")
        guard (certFile == nil) == (keyFile == nil) else {
            throw ValidationError("set both VIBN_PREVIEW_DEFAULT_CERT_FILE and VIBN_PREVIEW_DEFAULT_KEY_FILE, or neither")
        }
        let certificate = certFile.flatMap { cert in keyFile.map { TraefikDynamicConfiguration.Certificate(certFile: cert, keyFile: $0) } }
        return try TraefikConfigBuilder(routing: try self.routing(), defaultCertificate: certificate)
    }

    /// Traefik's Prometheus endpoint, if set.
    /// - Throws: `ValidationError` when it is not an http(s) URL.
    func metricsURL() throws -> URL? {
        try Self.httpURL(self.traefikMetricsURL, env: "TRAEFIK_METRICS_URL")
    }

    /// Traefik's API, if set.
    /// - Throws: `ValidationError` when it is not an http(s) URL.
    func apiURL() throws -> URL? {
        try Self.httpURL(self.traefikApiURL, env: "TRAEFIK_API_URL")
    }

    private static func httpURL(_ flag: String?, env: String) throws -> URL? {
        guard let raw = Setting.string(flag, env: env) else { return nil }
        guard let url = URL(string: raw), ["http", "https"].contains(url.scheme), url.host != nil else {
            throw ValidationError("\(env)=\(raw) is not an http:// or https:// URL")
        }
        return url
    }

    /// Traefik's watched directory.
    var dynamicDirectory: URL {
        URL(fileURLWithPath: Setting.string(self.traefikDynamicDir, env: "TRAEFIK_DYNAMIC_DIR", default: "./traefik/dynamic"))
    }

    /// The provider token, if set.
    var providerToken: String? {
        Setting.string(self.traefikProviderToken, env: "TRAEFIK_PROVIDER_TOKEN")
    }
}
