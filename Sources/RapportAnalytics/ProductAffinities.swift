import RapportCore

/// Item-to-item co-occurrence from baskets 需求预测: which products customers buy together, and for a customer, the
/// products it has not bought that go best with those it has.
public enum ProductAffinities {
    /// Baskets in columns: basket `i` belongs to customer `customer[i]` and holds
    /// `products[offsets[i] ..< offsets[i + 1]]` (indices into the SKU list).
    public struct Baskets: Sendable {
        public private(set) var customer: [Int32] = []
        public private(set) var offsets: [Int] = [0]
        public private(set) var products: [Int32] = []

        /// No baskets.
        public init() {}

        /// Adds a basket.
        public mutating func append(customer index: Int, products basket: some Sequence<Int>) {
            customer.append(Int32(index))
            products.append(contentsOf: basket.map(Int32.init))
            offsets.append(products.count)
        }
    }

    /// The affinities of every pair of products bought together by at least `minBuyersBoth` customers with a lift
    /// above 1, the `perProduct` strongest of each product. A customer counts once per product and per pair, however
    /// often it bought them.
    public static func compute(
        _ baskets: Baskets, skus: [String], minBuyersBoth: Int = 3, perProduct: Int = 20
    ) -> [ProductAffinity] {
        let productCount = skus.count
        var buyers = [Int](repeating: 0, count: productCount)
        var pairs: [Int: Int] = [:]
        var customers = 0
        // A customer's baskets are usually one after another, but need not be: group them by customer first.
        let order = Self.groupedByCustomer(baskets.customer)
        var bought: [Int32] = [], together: [Int] = [], items: [Int32] = []
        var start = 0
        while start < order.count {
            var end = start
            bought.removeAll(keepingCapacity: true)
            together.removeAll(keepingCapacity: true)
            let customer = baskets.customer[order[start]]
            while end < order.count, baskets.customer[order[end]] == customer {
                let basket = order[end]
                items.removeAll(keepingCapacity: true)
                items += baskets.products[baskets.offsets[basket]..<baskets.offsets[basket + 1]]
                bought += items
                for x in items {
                    for y in items where y != x { together.append(Int(x) * productCount + Int(y)) }
                }
                end += 1
            }
            customers += 1
            // Counted once per customer: sort and skip repeats (baskets are small, sets would cost more).
            bought.sort()
            for (index, product) in bought.enumerated() where index == 0 || bought[index - 1] != product {
                buyers[Int(product)] += 1
            }
            together.sort()
            for (index, pair) in together.enumerated() where index == 0 || together[index - 1] != pair {
                pairs[pair, default: 0] += 1
            }
            start = end
        }
        var byProduct = [[ProductAffinity]](repeating: [], count: productCount)
        for (pair, both) in pairs where both >= minBuyersBoth {
            let (x, y) = (pair / productCount, pair % productCount)
            let confidence = Double(both) / Double(buyers[x])
            let lift = confidence / (Double(buyers[y]) / Double(customers))
            guard lift > 1 else { continue }
            byProduct[x].append(ProductAffinity(sku: skus[x], otherSKU: skus[y], buyersBoth: both,
                                                confidence: confidence, lift: lift))
        }
        return byProduct.flatMap { $0.sorted(by: stronger).prefix(perProduct) }
    }

    /// Basket indices ordered by customer (a counting sort, stable).
    static func groupedByCustomer(_ customer: [Int32]) -> [Int] {
        guard let largest = customer.max() else { return [] }
        var starts = [Int](repeating: 0, count: Int(largest) + 2)
        for index in customer { starts[Int(index) + 1] += 1 }
        for index in 1..<starts.count { starts[index] += starts[index - 1] }
        var order = [Int](repeating: 0, count: customer.count)
        for (basket, index) in customer.enumerated() {
            order[starts[Int(index)]] = basket
            starts[Int(index)] += 1
        }
        return order
    }

    /// The products a customer who bought `bought` is likeliest to want next: for each product it has not bought,
    /// the strongest affinity from one it has; the `limit` best, each with its reason.
    public static func recommend(
        bought: Set<String>, affinities: [ProductAffinity], names: [String: String], limit: Int = 5
    ) -> [ProductRecommendation] {
        var best: [String: ProductAffinity] = [:]
        for affinity in affinities where bought.contains(affinity.sku) && !bought.contains(affinity.otherSKU) {
            if let current = best[affinity.otherSKU], !stronger(affinity, current) { continue }
            best[affinity.otherSKU] = affinity
        }
        return best.values.sorted(by: stronger).prefix(limit).map { affinity in
            let percent = Int((affinity.confidence * 100).rounded())
            return ProductRecommendation(
                sku: affinity.otherSKU, name: names[affinity.otherSKU] ?? affinity.otherSKU,
                becauseOfSKU: affinity.sku, confidence: affinity.confidence, lift: affinity.lift,
                reason: "bought together with \(names[affinity.sku] ?? affinity.sku) by \(percent)% of its buyers")
        }
    }

    /// Higher confidence first, then higher lift, then more buyers, then by SKU so the order is stable.
    static func stronger(_ lhs: ProductAffinity, _ rhs: ProductAffinity) -> Bool {
        if lhs.confidence != rhs.confidence { return lhs.confidence > rhs.confidence }
        if lhs.lift != rhs.lift { return lhs.lift > rhs.lift }
        if lhs.buyersBoth != rhs.buyersBoth { return lhs.buyersBoth > rhs.buyersBoth }
        return (lhs.sku, lhs.otherSKU) < (rhs.sku, rhs.otherSKU)
    }
}
