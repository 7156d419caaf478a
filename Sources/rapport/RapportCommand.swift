import ArgumentParser

/// The `rapport` command line.
@main
struct RapportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rapport",
        abstract: "Rapport, a self-hosted CRM that records how every customer changes.",
        discussion: """
            Data lives in a SQLite file (--database, default ./rapport-data/rapport.sqlite) unless DATABASE_URL \
            names a PostgreSQL database. Settings: flags over RAPPORT_* environment variables over defaults.
            """,
        subcommands: [
            ServeCommand.self, MigrateCommand.self, DemoCommand.self, ImportCommand.self, ExportCommand.self, RecomputeCommand.self,
            AnalyticsCommand.self, CrowdsCommand.self, DedupeCommand.self, UserCommand.self, TokenCommand.self,
        ]
    )
}
