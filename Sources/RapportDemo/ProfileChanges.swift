import RapportCore

/// Back-dated edits of a customer: a new phone or e-mail, a move to another city, a tag.
enum ProfileChanges {
    private enum Edit {
        case newPhone, newEmail, moved, tagAdded
    }

    private static let edits = WeightedTable<Edit>([(.newPhone, 30), (.newEmail, 25), (.moved, 20), (.tagAdded, 25)])

    /// One or two edits for about a fifth of customers, each after `createdAt` and not after `end`.
    static func make(
        _ profile: CustomerProfile, createdAt: Int64, end: Int64, _ random: inout SeededRandom
    ) -> [DemoChange] {
        guard random.chance(0.2), end - createdAt > 2 * DemoTime.day else { return [] }
        let count = random.chance(0.7) ? 1 : 2
        var times = (0..<count).map { _ in
            let raw = createdAt + DemoTime.day + Int64(random.index(Int(end - createdAt - DemoTime.day)))
            let office = DemoTime.office(raw, &random)
            return office > createdAt && office <= end ? office : raw
        }
        times.sort()
        var fields = profile.fields
        var changes: [DemoChange] = []
        for time in times {
            guard let edited = edit(fields, profile, &random), edited != fields else { continue }
            fields = edited
            changes.append(DemoChange(at: DemoTime.date(time), fields: fields))
        }
        return changes
    }

    /// The fields after one edit, or nil when the drawn edit does not apply.
    private static func edit(
        _ current: CustomerFields, _ profile: CustomerProfile, _ random: inout SeededRandom
    ) -> CustomerFields? {
        var fields = current
        switch edits.pick(&random) {
        case .newPhone:
            let number = ContactDetails.mobile(&random)
            guard !fields.phones.contains(where: { $0.number == number }) else { return nil }
            fields.phones = replacingOrAdding(fields.phones, PhoneEntry(number: number, label: "mobile", primary: true),
                                              replace: random.chance(0.5))
        case .newEmail:
            guard let address = newEmail(profile, &random),
                  !fields.emails.contains(where: { $0.address == address })
            else { return nil }
            let label: String? = profile.isOrganization ? "work" : nil
            fields.emails = replacingOrAdding(fields.emails, EmailEntry(address: address, label: label, primary: true),
                                              replace: random.chance(0.5))
        case .moved:
            let city = PlaceData.cities.pick(&random)
            let address = profile.isOrganization
                ? ContactDetails.officeAddress(in: city, &random) : ContactDetails.homeAddress(in: city, &random)
            fields.addresses = [address]
            // A landline belongs to the old premises, so it goes and the new one takes its place.
            if let landline = fields.phones.firstIndex(where: { $0.label == "home" || $0.label == "office" }) {
                fields.phones[landline].number = ContactDetails.landline(in: city, &random)
            }
        case .tagAdded:
            let candidates = profile.isOrganization ? ["wholesale", "vip", "礼品采购"] : ["vip", "老客户", "newsletter"]
            guard let tag = candidates.first(where: { !fields.tags.contains($0) }) else { return nil }
            fields.tags.append(tag)
        }
        return fields
    }

    private static func newEmail(_ profile: CustomerProfile, _ random: inout SeededRandom) -> String? {
        if let domain = profile.domain {
            return random.pick(NameData.companyMailboxes) + "@" + domain
        }
        guard let name = profile.romanized else { return nil }
        if name.english {
            return ContactDetails.englishEmail(first: name.given, last: name.family, &random)
        }
        return ContactDetails.chineseEmail(family: name.family, given: name.given, birthYear: nil, &random)
    }
}

/// A list with a single primary entry, the shape the customer parser keeps.
private protocol PrimaryEntry {
    var primary: Bool { get set }
}

extension EmailEntry: PrimaryEntry {}
extension PhoneEntry: PrimaryEntry {}

/// The new primary entry either replaces the old primary one or goes first, with the old one kept as secondary.
private func replacingOrAdding<Entry: PrimaryEntry>(_ entries: [Entry], _ new: Entry, replace: Bool) -> [Entry] {
    guard let primary = entries.firstIndex(where: \.primary) else { return [new] + entries }
    var entries = entries
    if replace {
        entries[primary] = new
    } else {
        entries[primary].primary = false
        entries.insert(new, at: 0)
    }
    return entries
}
