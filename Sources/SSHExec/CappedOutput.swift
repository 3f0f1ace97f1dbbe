/// Collects a stream up to a cap, keeping its head and its tail when it is longer.
struct CappedOutput: Sendable {
    let cap: Int
    private(set) var head: [UInt8] = []
    private var tail: [UInt8] = []
    /// Every byte seen, kept or not.
    private(set) var total = 0

    private var headLimit: Int { self.cap - self.cap / 2 }
    private var tailLimit: Int { self.cap / 2 }

    init(cap: Int) {
        self.cap = cap
    }

    /// Whether bytes were dropped.
    var truncated: Bool { self.total > self.cap }

    /// Takes `bytes` in, keeping at most the first and last `cap / 2` bytes seen.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        self.total += bytes.count
        let toHead = min(bytes.count, self.headLimit - self.head.count)
        self.head.append(contentsOf: bytes.prefix(toHead))
        guard toHead < bytes.count, self.tailLimit > 0 else { return }
        self.tail.append(contentsOf: bytes.dropFirst(toHead).suffix(self.tailLimit))
        // Trim only when the buffer is twice the limit, so appends stay amortised O(1).
        if self.tail.count >= 2 * self.tailLimit { self.tail.removeFirst(self.tail.count - self.tailLimit) }
    }

    /// The bytes kept: everything when under the cap, else head, a marker naming what was dropped, and tail.
    var bytes: [UInt8] {
        guard self.truncated else { return self.head + self.tail }
        let tail = self.tail.suffix(self.tailLimit)
        let omitted = self.total - self.head.count - tail.count
        return self.head + Array("\n[… \(omitted) bytes omitted by vibn-gateway …]\n".utf8) + tail
    }
}
