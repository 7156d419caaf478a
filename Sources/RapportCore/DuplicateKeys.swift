/// Blocking keys for duplicate detection: customers that share a key are compared with `DuplicateScorer`, all others
/// are not, so a scan costs one pass over the customers plus the pairs inside each block rather than n² pairs.
///
/// Each key is a short string with a prefix naming its kind:
///
/// | key | made of |
/// |---|---|
/// | `p:+8613800138000` | a phone number (E.164, so `138 0013 8000` and `+86-138-0013-8000` agree) |
/// | `e:zhangwei88@163.com` | an e-mail address in canonical form (`DuplicateProfile.canonicalEmail(_:)`) |
/// | `w:wechat:zw_2024` | a social handle |
/// | `n:伟 张`, `n:wei zhang` | the name's tokens sorted: swapped names, spacing, case and full width agree |
/// | `l:kev zha` | a Latin name's tokens cut to three letters and sorted: a later typo agrees |
/// | `nc:伟 张\|杭州`, `nb:伟 张\|1990-05-01` | the name with a city or the birthday |
/// | `bc:1990-05-01\|杭州` | birthday and city: a typo in the name agrees |
/// | `fb:张\|1990-05-01` | the name's first token (a Chinese surname) and the birthday: a typo in the rest agrees |
/// | `a:杭州\|188-3-2-1202` | city and a street line's numbers, when it has two or more: abbreviations agree |
///
/// The finer keys (`nc`, `nb`) exist for the names so common that their `n` block passes the cap.
public enum DuplicateKeys {
    /// Blocks with more customers than this are skipped by `candidatePairs`. A key shared that widely says little
    /// about identity — a company switchboard, a team mailbox, a very common name like 张伟 in a large database —
    /// and comparing all its pairs would grow with the square of its size. Customers in such a block still meet
    /// their real duplicates through their other keys (a common name's city and birthday keys, their own phone
    /// and e-mail). At 50 a block costs at most 1,225 comparisons.
    public static let maxBlockSize = 50

    /// Two customers to compare, by their positions in the list given to `candidatePairs`; `first < second`.
    public struct Pair: Hashable, Sendable {
        /// The position of the earlier customer.
        public let first: Int
        /// The position of the later customer.
        public let second: Int

        /// Creates a pair; the positions are put in order.
        public init(_ a: Int, _ b: Int) {
            first = min(a, b)
            second = max(a, b)
        }
    }

    /// The blocking keys of a customer, without repeats.
    public static func keys(for fields: CustomerFields) -> [String] {
        keys(for: DuplicateProfile(fields))
    }

    /// The blocking keys of a prepared customer, without repeats.
    public static func keys(for profile: DuplicateProfile) -> [String] {
        var keys: [String] = []
        keys.reserveCapacity(8)
        for phone in profile.phones { keys.append("p:" + phone) }
        for email in profile.emails { keys.append("e:" + email) }
        for handle in profile.social { keys.append("w:" + handle) }
        var cities: [String] = []
        for address in profile.addresses {
            guard let city = address.city else { continue }
            if !cities.contains(city) { cities.append(city) }
            // A single number (`人民路1号`) is shared by a whole building or road.
            if address.numbers.contains("-") { keys.append("a:" + city + "|" + address.numbers) }
        }
        let birthday = profile.birthday?.description
        if let birthday {
            for city in cities { keys.append("bc:" + birthday + "|" + city) }
        }
        // One character says too little: a name key needs at least two scalars.
        if profile.name.count >= 2 {
            keys.append("n:" + profile.nameKey)
            for city in cities { keys.append("nc:" + profile.nameKey + "|" + city) }
            if let birthday { keys.append("nb:" + profile.nameKey + "|" + birthday) }
        }
        if let birthday, let first = profile.firstToken {
            keys.append("fb:" + first + "|" + birthday)
        }
        if let prefixKey = profile.latinPrefixKey, prefixKey != profile.nameKey {
            keys.append("l:" + prefixKey)
        }
        var seen = Set<String>(minimumCapacity: keys.count)
        return keys.filter { seen.insert($0).inserted }
    }

    /// The pairs of customers that share at least one key in a block of at most `maxBlockSize` customers, each
    /// pair once, sorted.
    /// - Parameters:
    ///   - keys: the keys of each customer, as `keys(for:)` gives them (a customer's keys must not repeat).
    ///   - maxBlockSize: blocks larger than this are skipped; see `DuplicateKeys.maxBlockSize`.
    public static func candidatePairs(keys: [[String]], maxBlockSize: Int = maxBlockSize) -> [Pair] {
        var blocks: [String: [Int32]] = [:]
        blocks.reserveCapacity(keys.count * 4)
        for (index, customerKeys) in keys.enumerated() {
            for key in customerKeys { blocks[key, default: []].append(Int32(index)) }
        }
        // A pair packed into one integer (first in the high half) sorts the same as the pair itself.
        var packed = Set<UInt64>()
        for members in blocks.values where members.count > 1 && members.count <= maxBlockSize {
            for i in 0..<(members.count - 1) {
                for j in (i + 1)..<members.count {
                    packed.insert(UInt64(UInt32(members[i])) << 32 | UInt64(UInt32(members[j])))
                }
            }
        }
        return packed.sorted().map { Pair(Int($0 >> 32), Int($0 & 0xFFFF_FFFF)) }
    }
}
