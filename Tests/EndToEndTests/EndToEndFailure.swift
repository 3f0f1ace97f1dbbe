/// A step of the loop that failed: a tool that failed or an answer that was not what the loop needs.
struct EndToEndFailure: Error, CustomStringConvertible {
    let description: String
}
