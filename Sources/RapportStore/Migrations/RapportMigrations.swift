import FluentKit

/// Every migration, in the order it runs. Append new ones; never edit or reorder one that is on main.
public enum RapportMigrations {
    /// The ordered list.
    public static let all: [any Migration] = [
        M0001_CreateUsers(),
        M0002_CreateAPITokens(),
        M0003_CreateCounters(),
        M0004_CreateCustomers(),
        M0005_CreateCustomerExternalIDs(),
        M0006_CreateCustomerEvents(),
        M0007_CreateIdempotencyKeys(),
        M0008_CreateProducts(),
        M0009_CreateTransactions(),
        M0010_CreateInteractions(),
        M0011_CreateCustomerStats(),
        M0012_CreateCustomerValues(),
        M0013_CreateCrowds(),
        M0014_CreateCustomerContacts(),
        M0015_CreateImports(),
        M0016_CreateDuplicates(),
        M0017_CreateAuditLog(),
        M0018_CreateImportJobs(),
        M0019_CreateWebSessions(),
        M0020_CreateListOrderIndexes(),
        M0021_CreateDashboardIndexes(),
        M0022_CreateCustomerScanIndex(),
    ]
}
