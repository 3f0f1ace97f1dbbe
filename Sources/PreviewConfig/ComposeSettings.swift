import GatewayCore

/// The operator settings of the compose document: image and resource limits, checked when read.
public struct ComposeSettings: Sendable, Equatable {
    /// The dev image, built on the Coolify host (`pull_policy: never`).
    public let image: String
    /// `deploy.resources.limits.cpus`, e.g. `1` or `1.5`.
    public let cpuLimit: String
    /// `deploy.resources.limits.memory`, e.g. `1g` or `512m`.
    public let memoryLimit: String

    /// The seed's defaults: `vibn-dev:latest`, one CPU, 1 GiB.
    public static let defaults = try! ComposeSettings(image: "vibn-dev:latest", cpuLimit: "1", memoryLimit: "1g")

    /// - Throws: ``ValidationError`` naming the malformed setting.
    public init(image: String, cpuLimit: String, memoryLimit: String) throws {
        let imageBytes = Array(image.utf8)
        guard (1...255).contains(imageBytes.count),
              imageBytes.allSatisfy({ Self.isAlnum($0) || [0x2E, 0x5F, 0x2D, 0x2F, 0x3A, 0x40].contains($0) })
        else {
            throw ValidationError(field: "VIBN_DEV_IMAGE", message: "must be an image reference of A-Z, a-z, 0-9, '.', '_', '-', '/', ':' and '@'")
        }
        guard Self.isDecimal(cpuLimit) else {
            throw ValidationError(field: "VIBN_DEV_CPU_LIMIT", message: "must be a number of CPUs such as 1 or 1.5")
        }
        guard Self.isMemory(memoryLimit) else {
            throw ValidationError(field: "VIBN_DEV_MEM_LIMIT", message: "must be a size such as 512m or 1g (digits, then b, k, m or g)")
        }
        self.image = image
        self.cpuLimit = cpuLimit
        self.memoryLimit = memoryLimit
    }

    static func isAlnum(_ c: UInt8) -> Bool { (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }
    static func isDigits(_ s: Substring) -> Bool { !s.isEmpty && s.utf8.count <= 12 && s.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }

    static func isDecimal(_ raw: String) -> Bool {
        let parts = raw.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.allSatisfy(Self.isDigits)
    }

    static func isMemory(_ raw: String) -> Bool {
        guard let last = raw.last else { return false }
        return "bkmg".contains(last) ? Self.isDigits(raw.dropLast()) : Self.isDigits(Substring(raw))
    }
}
