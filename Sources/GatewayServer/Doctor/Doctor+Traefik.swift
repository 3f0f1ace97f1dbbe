import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GatewayCore
import GatewayHTTP
import PreviewConfig
import URLSessionSupport
import SwiftASN1
import X509

extension Doctor {
    /// Traefik's watched directory exists and is writable, the gateway's file in it (if written yet) parses, Traefik
    /// has loaded its routers (with `TRAEFIK_API_URL`), and the default certificate (if set) fits the preview domain.
    static func traefik(_ configuration: ServerConfiguration) async -> [DoctorCheck] {
        var (checks, routers) = Self.traefikFile(configuration)
        if let api = configuration.traefikAPIURL {
            checks.append(await Self.traefikRouters(api: api, expected: routers))
        }
        if let certificate = configuration.traefik.defaultCertificate {
            checks.append(Self.certificate(certificate.certFile, domain: configuration.core.previewRouting.domainBase))
        }
        return checks
    }

    /// Files up to this size are parsed in full; a larger one (thousands of previews) is read for its router names
    /// only, in the layout the gateway writes, so a serving replica's doctor never spends seconds and hundreds of
    /// megabytes on it.
    static let parseLimit = 4 << 20

    /// The directory's checks, and the router names of the gateway's file when it parses.
    private static func traefikFile(_ configuration: ServerConfiguration) -> ([DoctorCheck], [String]?) {
        let directory = configuration.traefikDirectory.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            return ([.failed("traefik.directory", "\(directory) does not exist", fix: "create it and point Traefik's file provider at it (TRAEFIK_DYNAMIC_DIR)")], nil)
        }
        guard access(directory, W_OK) == 0 else {
            return ([.failed("traefik.directory", "\(directory) is not writable by this user", fix: "give the gateway's user write access to it")], nil)
        }
        var checks: [DoctorCheck] = [.passed("traefik.directory", "\(directory) exists and is writable")]
        let file = configuration.traefikDirectory.appendingPathComponent(TraefikConfigPublisher.fileName)
        guard let text = try? String(contentsOf: file, encoding: .utf8) else {
            checks.append(.skipped("traefik.file", "\(TraefikConfigPublisher.fileName) is not written yet (serve writes it)"))
            return (checks, nil)
        }
        if text.utf8.count > Self.parseLimit {
            let names = TraefikDynamicConfiguration.routerNames(inWrittenYAML: text)
            checks.append(.passed("traefik.file", "\(TraefikConfigPublisher.fileName): \(names.count) router(s) (\(text.utf8.count >> 20) MiB, read for its router names only)"))
            return (checks, names)
        }
        do {
            let document = try TraefikDynamicConfiguration(yaml: text)
            checks.append(.passed("traefik.file", "\(TraefikConfigPublisher.fileName) parses: \(document.http?.routers.count ?? 0) router(s)"))
            return (checks, document.http.map { Array($0.routers.keys) } ?? [])
        } catch {
            checks.append(.failed(
                "traefik.file", "\(file.path) does not parse: \(error); Traefik ignores the whole directory while it does not",
                fix: "delete it: serve writes it again within a second"
            ))
            return (checks, nil)
        }
    }

    /// Traefik's API lists every router of the gateway's file, enabled. Without a file to compare, that the API answers.
    static func traefikRouters(api: URL, expected routers: [String]?) async -> DoctorCheck {
        let loaded: [String: TraefikRouterState]
        do {
            loaded = try await Self.loadedRouters(api: api)
        } catch {
            return .failed("traefik.routers", "\(api.absoluteString): \(error)",
                           fix: "set TRAEFIK_API_URL to Traefik's API (api.insecure: true, or a router to api@internal) as the gateway reaches it")
        }
        guard let routers else {
            return .passed("traefik.routers", "Traefik's API answers (\(loaded.count) router(s)); no readable \(TraefikConfigPublisher.fileName) to compare")
        }
        let expected = routers.sorted()
        let missing = expected.filter { loaded[$0] == nil }
        let broken = expected.compactMap { name in loaded[name].flatMap { $0.status == "enabled" ? nil : "\(name): \($0.error?.first ?? $0.status)" } }
        if !missing.isEmpty {
            return .failed(
                "traefik.routers",
                "Traefik has not loaded \(missing.count) of the \(expected.count) router(s) in \(TraefikConfigPublisher.fileName) (e.g. \(missing.prefix(3).joined(separator: ", ")))",
                fix: "point Traefik's file provider (directory, watch: true) at TRAEFIK_DYNAMIC_DIR as Traefik sees it, and read Traefik's log for errors"
            )
        }
        if !broken.isEmpty {
            return .failed("traefik.routers", "Traefik loaded but did not enable \(broken.count) router(s): \(broken.prefix(3).joined(separator: "; "))",
                           fix: "check VIBN_PREVIEW_ENTRYPOINTS and VIBN_PREVIEW_CERT_RESOLVER against Traefik's static configuration")
        }
        return .passed("traefik.routers", "Traefik at \(api.absoluteString) has loaded and enabled all \(expected.count) router(s) of \(TraefikConfigPublisher.fileName)")
    }

    /// One router as Traefik's API reports it.
    struct TraefikRouterState: Decodable {
        var name: String
        var status: String
        var error: [String]?
    }

    /// Every router Traefik reports, by name without its `@provider` suffix, page by page (`X-Next-Page`).
    private static func loadedRouters(api: URL) async throws -> [String: TraefikRouterState] {
        var routers: [String: TraefikRouterState] = [:]
        var page = 1
        while true {
            var components = URLComponents(url: api.appendingPathComponent("api/http/routers"), resolvingAgainstBaseURL: false)!
            components.queryItems = [URLQueryItem(name: "per_page", value: "1000"), URLQueryItem(name: "page", value: String(page))]
            let (data, response) = try await URLSession.shared.response(to: URLRequest(url: components.url!, timeoutInterval: 10))
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            guard status == 200 else { throw DoctorProblem("GET /api/http/routers answered \(status)") }
            for router in try JSONDecoder().decode([TraefikRouterState].self, from: data) {
                routers[String(router.name.prefix { $0 != "@" })] = router
            }
            let next = (response as? HTTPURLResponse)?.value(forHTTPHeaderField: "X-Next-Page").flatMap { Int($0) } ?? 1
            guard next > page else { return routers }
            page = next
        }
    }

    /// The default certificate (first in the PEM file) names `*.{domain}` and is valid for at least 14 more days.
    static func certificate(_ path: String, domain: String, now: Date = Date()) -> DoctorCheck {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            return .skipped("preview.certificate", "cannot read \(path) from here: it is Traefik's path; check there that it covers *.\(domain)")
        }
        let certificate: Certificate
        do {
            guard let first = try PEMDocument.parseMultiple(pemString: text).first(where: { $0.discriminator == "CERTIFICATE" }) else {
                throw DoctorProblem("no CERTIFICATE block")
            }
            certificate = try Certificate(pemDocument: first)
        } catch {
            return .failed("preview.certificate", "\(path) is not a PEM certificate: \(error)", fix: "set VIBN_PREVIEW_DEFAULT_CERT_FILE to the wildcard certificate's PEM file (leaf first)")
        }
        let names = ((try? certificate.extensions.subjectAlternativeNames) ?? nil).map { names in
            names.compactMap { name -> String? in if case .dnsName(let dns) = name { dns } else { nil } }
        } ?? []
        let wildcard = "*.\(domain)"
        guard names.contains(where: { $0.lowercased() == wildcard.lowercased() }) else {
            return .failed("preview.certificate", "\(path) names \(names.isEmpty ? "no DNS name" : names.joined(separator: ", ")), not \(wildcard): browsers refuse every preview",
                           fix: "issue a certificate for \(wildcard) (DNS-01 challenge) or unset VIBN_PREVIEW_DEFAULT_CERT_FILE")
        }
        let days = Int(certificate.notValidAfter.timeIntervalSince(now) / 86_400)
        guard days >= 14 else {
            return .failed("preview.certificate", "\(path) covers \(wildcard) but \(days < 0 ? "expired" : "expires") on \(Self.day(certificate.notValidAfter)) (\(days) day(s))",
                           fix: "renew it and replace the file (Traefik reloads it with the next change)")
        }
        return .passed("preview.certificate", "\(path) covers \(wildcard) until \(Self.day(certificate.notValidAfter)) (\(days) days)")
    }

    private static func day(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day())
    }
}

/// A doctor finding that is not an error of a client library.
struct DoctorProblem: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
