import ArgumentParser
import Coolify
import Foundation
import GatewayCore
import GatewayServer
import Logging

/// Coolify's API, its webhook secret, and the container lifecycle's limits.
struct CoolifyOptions: ParsableArguments {
    @Option(help: "Coolify's origin, e.g. https://coolify.example.com (the gateway adds /api/v1). Unset: container changes answer 503 coolify_not_configured. (env: COOLIFY_API_URL)")
    var coolifyApiUrl: String?

    @Option(help: "Coolify API token (abilities read, write, deploy). Prefer the environment for secrets. (env: COOLIFY_API_TOKEN)")
    var coolifyApiToken: String?

    @Option(help: "The Coolify server dev containers run on. (env: COOLIFY_SERVER_UUID)")
    var coolifyServerUuid: String?

    @Option(help: "A YAML list of the Coolify servers dev containers are placed on, each with its capacity and SSH host (see the README's \"Several servers\"); re-read on SIGHUP. Replaces COOLIFY_SERVER_UUID, COOLIFY_DESTINATION_UUID and COOLIFY_SSH_HOST. (env: VIBN_SERVERS_FILE)")
    var serversFile: String?

    @Option(help: "The destination (Docker network) on the server for dev containers; required when the server has several. (env: COOLIFY_DESTINATION_UUID)")
    var coolifyDestinationUuid: String?

    @Option(help: "One Coolify project for all dev containers. Unset: one Coolify project per gateway project, found by name or created. (env: COOLIFY_PROJECT_UUID)")
    var coolifyProjectUuid: String?

    @Option(help: "The Coolify environment services are created in. (env: COOLIFY_ENVIRONMENT_NAME, default: production)")
    var coolifyEnvironmentName: String?

    @Option(help: "Secret path segment of the Coolify webhook URL /v1/webhooks/coolify/{secret}. Unset: the route answers 404. (env: COOLIFY_WEBHOOK_SECRET)")
    var coolifyWebhookSecret: String?

    @Option(name: .customLong("dev-quota-per-workspace"), help: "Dev containers a workspace may have provisioning or running at once. (env: VIBN_DEV_QUOTA_PER_WORKSPACE, default: \(LifecycleSettings.defaultQuota))")
    var devQuotaPerWorkspace: Int?

    @Option(name: .customLong("allow-dev-container-without-ssh"), help: "Local development only: create containers although SSH to the Coolify host is not configured. (env: VIBN_ALLOW_DEV_CONTAINER_WITHOUT_SSH, default: false)")
    var allowDevContainerWithoutSsh: Bool?

    /// The webhook secret, if set.
    var webhookSecret: String? { Setting.string(self.coolifyWebhookSecret, env: "COOLIFY_WEBHOOK_SECRET") }

    /// The Coolify server uuid, if set.
    var serverUUID: String? { Setting.string(self.coolifyServerUuid, env: "COOLIFY_SERVER_UUID") }

    /// The server list file, if set.
    var serversFilePath: String? { Setting.string(self.serversFile, env: "VIBN_SERVERS_FILE") }

    /// The validated Coolify settings, or nil (logged) when Coolify's API is not configured.
    /// Call it before opening the store, so a bad setting stops `serve` with nothing to clean up.
    /// - Throws: `ValidationError` when the settings are only partly given or malformed.
    /// - Parameter listed: The server list of `VIBN_SERVERS_FILE` (its first server is the client's default); nil: the
    ///   single-server settings.
    func configuration(listed: ServerList?, logger: Logger) throws -> CoolifyConfiguration? {
        let url = Setting.string(self.coolifyApiUrl, env: "COOLIFY_API_URL")
        let token = Setting.string(self.coolifyApiToken, env: "COOLIFY_API_TOKEN")
        let first = listed?.servers.first?.coolify
        if listed != nil, self.serverUUID != nil || Setting.string(self.coolifyDestinationUuid, env: "COOLIFY_DESTINATION_UUID") != nil {
            throw ValidationError("COOLIFY_SERVER_UUID or COOLIFY_DESTINATION_UUID is set beside VIBN_SERVERS_FILE: give each server's coolifyServerUuid and destinationUuid in the file instead")
        }
        guard let url, let token, let server = first?.serverUUID ?? self.serverUUID else {
            if url != nil || token != nil || self.serverUUID != nil {
                throw ValidationError("set COOLIFY_API_URL, COOLIFY_API_TOKEN and COOLIFY_SERVER_UUID (or VIBN_SERVERS_FILE) together, or none of them")
            }
            logger.warning("COOLIFY_API_URL is not set: container changes answer 503 coolify_not_configured")
            return nil
        }
        guard let origin = URL(string: url), let scheme = origin.scheme, ["http", "https"].contains(scheme), origin.host != nil else {
            throw ValidationError("COOLIFY_API_URL=\(url) is not an http(s) origin such as https://coolify.example.com")
        }
        return CoolifyConfiguration(
            apiURL: origin, token: token, serverUUID: server,
            destinationUUID: listed == nil ? Setting.string(self.coolifyDestinationUuid, env: "COOLIFY_DESTINATION_UUID") : first?.destinationUUID,
            projectUUID: Setting.string(self.coolifyProjectUuid, env: "COOLIFY_PROJECT_UUID"),
            environmentName: Setting.string(self.coolifyEnvironmentName, env: "COOLIFY_ENVIRONMENT_NAME", default: "production")
        )
    }

    /// The container lifecycle's limits: the quota, and whether containers may be created without SSH.
    /// - Parameters:
    ///   - image: The dev image recorded on each row.
    ///   - sshConfigured: Whether SSH to the Coolify host is configured.
    /// - Throws: `ValidationError` for a negative quota.
    func lifecycleSettings(image: String, sshConfigured: Bool) throws -> LifecycleSettings {
        let quota = try Setting.integer(self.devQuotaPerWorkspace, env: "VIBN_DEV_QUOTA_PER_WORKSPACE", default: LifecycleSettings.defaultQuota)
        guard quota >= 0 else { throw ValidationError("VIBN_DEV_QUOTA_PER_WORKSPACE=\(quota) must be 0 or more") }
        let allow = self.allowDevContainerWithoutSsh ?? (Setting.string(nil, env: "VIBN_ALLOW_DEV_CONTAINER_WITHOUT_SSH") == "true")
        return LifecycleSettings(quotaPerWorkspace: quota, image: image, sshConfigured: sshConfigured, allowWithoutSSH: allow)
    }
}
