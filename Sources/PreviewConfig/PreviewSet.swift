import GatewayCore

/// The live previews the publisher routes, held compactly: per project, the tail of its preview labels, its
/// service and its live ports (at 10,000 projects × 10 slots, about 2 MB instead of a rendered document).
public struct PreviewSet: Sendable, Equatable {
    /// One project's routes.
    public struct Project: Sendable, Equatable {
        /// `{slug…}-{token}`: each label is `p{slot}-` followed by it (``PreviewHostLabel/tail(slug:token:)``).
        public var labelTail: String
        public var service: ServiceUUID
        /// The live ports, ascending, each once.
        public var ports: [PreviewPort]
    }

    /// The projects with at least one live preview.
    public private(set) var projects: [ProjectID: Project] = [:]

    /// How many routes the set holds (one per live port).
    public var routeCount: Int { self.projects.values.reduce(0) { $0 + $1.ports.count } }

    public init() {}

    /// The set of `previews`.
    public init(_ previews: [LivePreview]) {
        self.projects = Self.group(previews)
    }

    /// Replaces what the set holds for `changed` with `previews`, which must be the live previews of exactly those
    /// projects (a project without one leaves the set).
    /// - Returns: Whether the set changed.
    @discardableResult
    public mutating func replace(_ changed: some Sequence<ProjectID>, with previews: [LivePreview]) -> Bool {
        var fresh = Self.group(previews)
        var differs = false
        for project in changed {
            let new = fresh.removeValue(forKey: project)
            if self.projects[project] != new {
                self.projects[project] = new
                differs = true
            }
        }
        return differs
    }

    /// The previews grouped by project; a slot served by several dev servers is routed once.
    static func group(_ previews: [LivePreview]) -> [ProjectID: Project] {
        var projects: [ProjectID: Project] = [:]
        for preview in previews {
            if projects[preview.projectID] == nil {
                projects[preview.projectID] = Project(
                    labelTail: PreviewHostLabel.tail(slug: preview.projectSlug, token: preview.previewToken),
                    service: preview.serviceUUID, ports: []
                )
            }
            projects[preview.projectID]?.ports.append(preview.port)
        }
        return projects.mapValues { project in
            var project = project
            project.ports = Array(Set(project.ports)).sorted()
            return project
        }
    }
}
