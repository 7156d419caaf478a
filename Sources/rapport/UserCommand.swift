import ArgumentParser
import Foundation
import RapportCore
import RapportServer

/// `rapport user create`.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage users.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a user; prints a generated password once unless --password-stdin is given.")

        @OptionGroup var options: SettingsOptions

        @Option(help: "E-mail address (the sign-in name).")
        var email: String

        @Option(help: "Display name.")
        var name: String

        @Option(help: "admin, manager, agent or analyst.")
        var role: Role

        @Option(help: "Team; agents and managers see their team's customers.")
        var team: String?

        @Flag(help: "Read the password from the first line of standard input.")
        var passwordStdin = false

        func run() async throws {
            let settings = try CommandSettings.resolve(options.flags)
            var password: String?
            if passwordStdin {
                guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                    throw ValidationError("--password-stdin: no password on standard input")
                }
                password = line
            }
            try await RapportRuntime.withApplication(settings) { app in
                let (user, generated) = try await CommandErrors.explain {
                    try await UserAccounts(store: app.rapportDatabase).createUser(
                        email: email, displayName: name, role: role, team: team, password: password)
                }
                print("Created \(user.role.rawValue) \(user.email) (\(user.id.uuidString.lowercased()))")
                if let generated { print("password (shown once): \(generated)") }
            }
        }
    }
}

extension Role: ExpressibleByArgument {}

/// `rapport token create|revoke`.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Manage API tokens.", subcommands: [Create.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API token; prints only the token on standard output, once.")

        @OptionGroup var options: SettingsOptions

        @Option(help: "The user's e-mail address.")
        var email: String

        @Option(help: "A name for the token, unique among the user's live tokens.")
        var name: String

        func run() async throws {
            let settings = try CommandSettings.resolve(options.flags)
            let secret = try await RapportRuntime.withApplication(settings) { app in
                try await CommandErrors.explain {
                    try await UserAccounts(store: app.rapportDatabase).createToken(email: email, name: name)
                }
            }
            print(secret)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a user's API token by name.",
            discussion: "A running server trusts a verified token for up to RAPPORT_TOKEN_CACHE_SECONDS (default 5).")

        @OptionGroup var options: SettingsOptions

        @Option(help: "The token's name.")
        var name: String

        @Option(help: "The user's e-mail address.")
        var email: String

        func run() async throws {
            let settings = try CommandSettings.resolve(options.flags)
            try await RapportRuntime.withApplication(settings) { app in
                let token = try await CommandErrors.explain {
                    try await UserAccounts(store: app.rapportDatabase).revokeToken(email: email, name: name)
                }
                print("Revoked token \(token.name) (\(token.id.uuidString.lowercased()))")
            }
        }
    }
}
