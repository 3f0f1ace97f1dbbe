import Foundation

/// What the Coolify stand-in holds: services, projects, pending faults and the calls received.
public actor CoolifyStandInState {
    /// A service as the stand-in keeps it.
    public struct Service: Sendable, Equatable {
        public var uuid: String
        public var name: String
        public var description: String?
        public var projectUUID: String
        public var status: String
        /// The compose document, decoded from base64.
        public var compose: String
        /// The server it was created on.
        public var serverUUID: String = ""
        /// Statuses still to come after a start, each from its instant on (Coolify's status lags the containers).
        var upcoming: [ScheduledStatus] = []
    }

    /// A status a service will read from `at` on.
    struct ScheduledStatus: Sendable, Equatable {
        var status: String
        var at: ContinuousClock.Instant
    }

    /// One request as received.
    public struct Call: Sendable, Equatable {
        public var method: String
        /// The path under `/api/v1`.
        public var path: String
        /// The JSON body, if any.
        public var body: String?
    }

    struct PendingFault {
        var fault: CoolifyFault
        var remaining: Int
        var pathPrefix: String
    }

    let serverUUID: String
    /// Servers besides the first (``CoolifyStandIn/addServer()``); services may be created on any of them.
    var otherServers: [String] = []
    let onServiceChange: CoolifyStandIn.ServiceChangeHandler?
    private var stored: [String: Service] = [:]
    /// How long a started service's status lags its containers (zero: it reads `running:unknown` at once).
    var startLag: Duration = .zero
    public private(set) var projects: [String: String] = [:]
    public private(set) var calls: [Call] = []
    var faults: [PendingFault] = []
    /// The server's destinations (Docker networks); with more than one, a create must name one.
    public internal(set) var destinations: [String] = []
    /// How many stops ran Coolify's `CleanupDocker` (`docker_cleanup` not false): each removes the unused images.
    public internal(set) var cleanups = 0
    /// Whether the dev image is still on the host: a cleanup removes it unless it carries `coolify.managed=true`.
    public internal(set) var imagePresent = true
    /// Whether the dev image carries the label `coolify.managed=true`, which Coolify's cleanups keep.
    var imageLabelled = false
    /// Whether the token was revoked (Coolify then answers 400 `Invalid token.`).
    var tokenRevoked = false
    /// What `GET /servers/{uuid}` says of the server (`settings.is_reachable`, `is_usable`).
    var serverReachable = true

    init(serverUUID: String, onServiceChange: CoolifyStandIn.ServiceChangeHandler? = nil) {
        self.serverUUID = serverUUID
        self.onServiceChange = onServiceChange
    }

    /// Tells the test's handler, if any, what happened to service `uuid`.
    func changed(_ uuid: String, _ change: CoolifyServiceChange) async throws {
        try await self.onServiceChange?(uuid, change)
    }

    /// A uuid as Coolify makes them: 24 lower-case alphanumerics.
    static func newUUID() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<24).map { _ in alphabet.randomElement(using: &generator)! })
    }

    func record(_ call: Call) -> CoolifyFault? {
        self.calls.append(call)
        guard let index = self.faults.firstIndex(where: { call.path.hasPrefix($0.pathPrefix) }) else { return nil }
        let fault = self.faults[index].fault
        self.faults[index].remaining -= 1
        if self.faults[index].remaining <= 0 { self.faults.remove(at: index) }
        return fault
    }

    func inject(_ fault: CoolifyFault, times: Int, pathPrefix: String) {
        self.faults.append(PendingFault(fault: fault, remaining: times, pathPrefix: pathPrefix))
    }

    func setDestinations(_ uuids: [String]) {
        self.destinations = uuids
    }

    func revokeToken() {
        self.tokenRevoked = true
    }

    /// Whether `uuid` is one of the stand-in's servers.
    func knowsServer(_ uuid: String) -> Bool {
        uuid == self.serverUUID || self.otherServers.contains(uuid)
    }

    func addServer() -> String {
        let uuid = "srv" + String(Self.newUUID().prefix(21))
        self.otherServers.append(uuid)
        return uuid
    }

    func setServerReachable(_ reachable: Bool) {
        self.serverReachable = reachable
    }

    /// Coolify's `CleanupDocker` after a stop: `docker rmi` of every unused image without `coolify.managed=true`.
    func cleanedUp() {
        self.cleanups += 1
        if !self.imageLabelled { self.imagePresent = false }
    }

    func labelImage() {
        self.imageLabelled = true
    }

    /// Every service, each with the status it reads now.
    public var services: [String: Service] {
        let now = ContinuousClock.now
        for (uuid, service) in self.stored where !service.upcoming.isEmpty {
            let due = service.upcoming.filter { $0.at <= now }
            guard let latest = due.last else { continue }
            self.stored[uuid]?.status = latest.status
            self.stored[uuid]?.upcoming.removeFirst(due.count)
        }
        return self.stored
    }

    /// Sets a service's status at once, cancelling any lagging one.
    func setStatus(_ uuid: String, _ status: String) {
        self.stored[uuid]?.status = status
        self.stored[uuid]?.upcoming = []
    }

    /// A start as Coolify's status shows it: at once without a lag; with one, the status it had until a third of the
    /// lag, then `starting:unknown`, then `exited` again (a server check between two containers' starts), and
    /// `running:unknown` once the lag is over, as Coolify's server check reports it a minute or so later.
    func started(_ uuid: String) {
        guard self.startLag > .zero else { return self.setStatus(uuid, "running:unknown") }
        let now = ContinuousClock.now
        self.stored[uuid]?.upcoming = [
            ScheduledStatus(status: "starting:unknown", at: now + self.startLag / 3),
            ScheduledStatus(status: "exited", at: now + self.startLag * 2 / 3),
            ScheduledStatus(status: "running:unknown", at: now + self.startLag),
        ]
    }

    func setStartLag(_ lag: Duration) {
        self.startLag = lag
    }

    func addProject(name: String) -> String {
        let uuid = Self.newUUID()
        self.projects[uuid] = name
        return uuid
    }

    func addService(_ service: Service) {
        self.stored[service.uuid] = service
    }

    func removeService(_ uuid: String) -> Bool {
        self.stored.removeValue(forKey: uuid) != nil
    }
}
