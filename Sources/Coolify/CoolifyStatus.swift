import GatewayCore

/// Reading Coolify's service status text (`running:healthy`, `starting:unknown`, `degraded:unhealthy`, `exited`, …).
public enum CoolifyStatus {
    /// What a status text means for the lifecycle.
    public static func health(of raw: String) -> ServiceHealth {
        let text = raw.lowercased()
        if text.contains("fail") || text.contains("error") { return .failed }
        let state = text.split(separator: ":", maxSplits: 1).first.map(String.init) ?? text
        switch state {
        case "running": return .running
        case "starting", "restarting", "created": return .starting
        case "exited", "stopped", "paused": return .stopped
        case "degraded", "dead", "unhealthy": return .failed
        default: return .unknown
        }
    }

    /// The status as the lifecycle takes it.
    public static func status(_ raw: String) -> ServiceStatus {
        ServiceStatus(raw: raw, health: self.health(of: raw))
    }
}
