import RapportCore
import RapportDemo
import Testing

@Suite("Duplicate corpus: labelled copies and the precision, recall and F1 of detection")
struct DuplicateCorpusTests {
    /// 5,000 customers and 1,500 corrupted copies, generated once because every test only reads it.
    static let corpus = DuplicateCorpus(seed: 2026, entities: 5_000, copies: 1_500)

    @Test("the same seed gives the same records; another seed does not")
    func deterministic() {
        let first = DuplicateCorpus(seed: 3, entities: 300, copies: 100)
        let second = DuplicateCorpus(seed: 3, entities: 300, copies: 100)
        let other = DuplicateCorpus(seed: 4, entities: 300, copies: 100)
        #expect(first.records.map(\.fields) == second.records.map(\.fields))
        #expect(first.records.map(\.entity) == second.records.map(\.entity))
        #expect(first.records.map(\.fields) != other.records.map(\.fields))
    }

    @Test("originals come first in entity order, then copies with one to three corruptions each")
    func shape() {
        let records = Self.corpus.records
        #expect(records.count == 6_500)
        #expect(records.prefix(5_000).map(\.entity) == Array(0..<5_000))
        #expect(records.prefix(5_000).allSatisfy { $0.corruptions.isEmpty })
        #expect(records.dropFirst(5_000).allSatisfy { (1...3).contains($0.corruptions.count) })
        let kinds = Set(records.flatMap(\.corruptions))
        #expect(kinds == Set(DuplicateCorpus.Corruption.allCases))
    }

    @Test("copies are stored as the customer parser normalises them")
    func copiesAreNormalised() throws {
        let parser = CustomerFieldsParser(defaultPhoneRegion: "CN")
        for record in Self.corpus.records.dropFirst(5_000).prefix(300) {
            #expect(try parser.parse(record.fields.document) == record.fields)
        }
    }

    @Test("distinct customers never share an e-mail address, and company names are unique")
    func distinctContacts() {
        var owners: [String: Int] = [:]
        var companies = Set<String>()
        for record in Self.corpus.records.prefix(5_000) {
            for email in record.fields.emails {
                #expect(owners.updateValue(record.entity, forKey: email.address) == nil, "\(email.address)")
            }
            if record.fields.kind == .organization {
                #expect(companies.insert(record.fields.name).inserted)
            }
        }
    }

    @Test("blocking and scoring find the copies with F1 ≥ 0.99 at the default threshold")
    func f1() {
        let evaluation = Self.corpus.evaluate()
        print("duplicate detection, 5,000 customers + 1,500 copies: \(evaluation)")
        #expect(evaluation.truePairs > 1_500)
        #expect(evaluation.truePairsBlocked >= evaluation.truePairs * 99 / 100)
        #expect(evaluation.f1 >= 0.99, "\(evaluation)")
        #expect(evaluation.precision >= 0.99, "\(evaluation)")
    }
}
