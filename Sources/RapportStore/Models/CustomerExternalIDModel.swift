import FluentKit
import Foundation

/// A row of `customer_external_ids`: which customer holds an ID of a source system.
final class CustomerExternalIDModel: Model, @unchecked Sendable {
    static let schema = "customer_external_ids"

    final class IDValue: Fields, Hashable, @unchecked Sendable {
        @Field(key: "source") var source: String
        @Field(key: "external_id") var externalID: String

        init() {}

        init(source: String, externalID: String) {
            self.source = source
            self.externalID = externalID
        }

        static func == (lhs: IDValue, rhs: IDValue) -> Bool {
            lhs.source == rhs.source && lhs.externalID == rhs.externalID
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(source)
            hasher.combine(externalID)
        }
    }

    @CompositeID var id: IDValue?
    @Field(key: "customer_id") var customerID: UUID

    init() {}

    init(source: String, externalID: String, customerID: UUID) {
        id = IDValue(source: source, externalID: externalID)
        self.customerID = customerID
    }
}
