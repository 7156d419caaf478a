import Dispatch

/// Work split into a fixed number of chunks run on every core. The split does not depend on the machine, so sums
/// come out the same everywhere, to the last bit.
enum Parallel {
    /// Chunks for `count` items: one below `threshold` items (threads cost more than they save), else `chunks`.
    static func ranges(count: Int, threshold: Int = 20_000, chunks: Int = 8) -> [Range<Int>] {
        let parts = count < threshold ? 1 : chunks
        return (0..<parts).map { (count * $0 / parts)..<(count * ($0 + 1) / parts) }
    }

    /// The element-wise sum of `body` over the chunks of `0..<count`; each call returns `width` numbers.
    static func sum(count: Int, width: Int, _ body: @Sendable (Range<Int>) -> [Double]) -> [Double] {
        let ranges = ranges(count: count)
        var partials = [[Double]](repeating: [], count: ranges.count)
        partials.withUnsafeMutableBufferPointer { buffer in
            let output = UnsafeSendableBuffer(buffer)
            DispatchQueue.concurrentPerform(iterations: ranges.count) { output[$0] = body(ranges[$0]) }
        }
        var total = [Double](repeating: 0, count: width)
        for partial in partials {
            for index in 0..<width { total[index] += partial[index] }
        }
        return total
    }

    /// Calls `body` for each chunk of `0..<count` on every core.
    static func forEachChunk(count: Int, threshold: Int = 2048, _ body: @Sendable (Range<Int>) -> Void) {
        let ranges = ranges(count: count, threshold: threshold, chunks: 16)
        DispatchQueue.concurrentPerform(iterations: ranges.count) { body(ranges[$0]) }
    }
}

/// A buffer that the chunks of a `concurrentPerform` write to, each at its own indices.
struct UnsafeSendableBuffer<Element>: @unchecked Sendable {
    let base: UnsafeMutableBufferPointer<Element>

    init(_ base: UnsafeMutableBufferPointer<Element>) {
        self.base = base
    }

    subscript(index: Int) -> Element {
        get { base[index] }
        nonmutating set { base[index] = newValue }
    }
}
