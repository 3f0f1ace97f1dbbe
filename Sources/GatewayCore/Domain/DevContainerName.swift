/// The name of a service's dev container on the Coolify host: `vibn-dev-{serviceUuid}`.
///
/// The compose template (`templates/dev-compose.yml.mustache`, built into `PreviewConfig`) names its one service
/// `vibn-dev`, and Coolify names the containers of a service `{compose service}-{service uuid}`. `docker exec`
/// reaches the container by this name, Coolify's container webhooks report it, and the default preview upstream
/// resolves it on the `coolify` network.
extension ServiceUUID {
    /// What every dev container's name starts with: the compose service `vibn-dev` and a dash.
    public static let devContainerPrefix = "vibn-dev-"

    /// The name of this service's dev container.
    public var devContainerName: String { Self.devContainerPrefix + self.rawValue }

    /// The service whose dev container is named `name`; nil for any other container.
    public init?(devContainerName name: String) {
        guard name.hasPrefix(Self.devContainerPrefix),
              let uuid = try? ServiceUUID(validating: String(name.dropFirst(Self.devContainerPrefix.count)))
        else { return nil }
        self = uuid
    }
}
