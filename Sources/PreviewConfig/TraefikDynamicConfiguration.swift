import Foundation
import Yams

/// Traefik v3 dynamic configuration, only the parts preview routing uses (file and HTTP providers): the value
/// ``TraefikConfigBuilder`` renders, and what tests decode its documents into.
///
/// Empty maps are never encoded (`http: {}` or `routers: {}` freeze Traefik's whole directory): a document with
/// no route has no `http` key at all.
public struct TraefikDynamicConfiguration: Codable, Sendable, Equatable {
    public var http: HTTP?
    public var tls: TLS?

    public init(http: HTTP?, tls: TLS?) {
        self.http = http
        self.tls = tls
    }

    /// Routers and services, keyed by name.
    public struct HTTP: Codable, Sendable, Equatable {
        public var routers: [String: Router]
        public var services: [String: Service]

        enum CodingKeys: String, CodingKey { case routers, services }
    }

    /// A router matching one preview host (or, with a low ``priority``, every preview host: the wake router).
    public struct Router: Codable, Sendable, Equatable {
        public var entryPoints: [String]
        public var rule: String
        public var service: String
        public var tls: RouterTLS?
        /// Traefik's priority; nil: Traefik's default (the rule's length), so any `Host` rule beats a priority of 1.
        public var priority: Int?

        enum CodingKeys: String, CodingKey { case entryPoints, rule, service, tls, priority }

        public init(entryPoints: [String], rule: String, service: String, tls: RouterTLS?, priority: Int? = nil) {
            self.entryPoints = entryPoints
            self.rule = rule
            self.service = service
            self.tls = tls
            self.priority = priority
        }
    }

    /// A router's TLS section.
    public struct RouterTLS: Codable, Sendable, Equatable {
        public var certResolver: String

        enum CodingKeys: String, CodingKey { case certResolver }
    }

    /// A load balancer with one server: the dev server's port.
    public struct Service: Codable, Sendable, Equatable {
        public var loadBalancer: LoadBalancer

        enum CodingKeys: String, CodingKey { case loadBalancer }
    }

    /// The servers of a service.
    public struct LoadBalancer: Codable, Sendable, Equatable {
        public var passHostHeader: Bool
        public var servers: [Server]

        enum CodingKeys: String, CodingKey { case passHostHeader, servers }
    }

    /// One upstream URL.
    public struct Server: Codable, Sendable, Equatable {
        public var url: String

        enum CodingKeys: String, CodingKey { case url }
    }

    /// TLS options: the default store's certificate (saves Traefik an RSA key generation on every reload).
    public struct TLS: Codable, Sendable, Equatable {
        public var stores: [String: Store]
    }

    /// A TLS store.
    public struct Store: Codable, Sendable, Equatable {
        public var defaultCertificate: Certificate
    }

    /// A certificate and key file as Traefik sees them.
    public struct Certificate: Codable, Sendable, Equatable {
        public var certFile: String
        public var keyFile: String

        public init(certFile: String, keyFile: String) {
            self.certFile = certFile
            self.keyFile = keyFile
        }
    }
}

extension TraefikDynamicConfiguration {
    /// Reads a document as Traefik's file provider would (YAML, of which JSON is a subset).
    public init(yaml text: String) throws {
        self = try YAMLDecoder().decode(TraefikDynamicConfiguration.self, from: text)
    }

    /// The router names of a file in the layout ``TraefikConfigBuilder`` writes (the keys four spaces deep under
    /// `http.routers`), without parsing the rest: for files too large to decode cheaply.
    public static func routerNames(inWrittenYAML text: String) -> [String] {
        var names: [String] = []
        var inRouters = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("  ") && !line.hasPrefix("   ") {
                inRouters = line == "  routers:"
            } else if inRouters, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                names.append(String(line.dropFirst(4).dropLast()).trimmingCharacters(in: CharacterSet(charactersIn: "'")))
            } else if !line.hasPrefix(" ") {
                inRouters = false
            }
        }
        return names
    }
}
