/// Traefik v3 dynamic configuration, only the parts preview routing uses (file and HTTP providers).
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
    }

    /// A router matching one preview host.
    public struct Router: Codable, Sendable, Equatable {
        public var entryPoints: [String]
        public var rule: String
        public var service: String
        public var tls: RouterTLS?
    }

    /// A router's TLS section.
    public struct RouterTLS: Codable, Sendable, Equatable {
        public var certResolver: String
    }

    /// A load balancer with one server: the dev server's port.
    public struct Service: Codable, Sendable, Equatable {
        public var loadBalancer: LoadBalancer
    }

    /// The servers of a service.
    public struct LoadBalancer: Codable, Sendable, Equatable {
        public var passHostHeader: Bool
        public var servers: [Server]
    }

    /// One upstream URL.
    public struct Server: Codable, Sendable, Equatable {
        public var url: String
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
