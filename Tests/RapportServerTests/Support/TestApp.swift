import AsyncHTTPClient
import Foundation
import NIOCore
import RapportCore
import RapportServer
import RapportStore
import RapportTestSupport
import SQLKit
import Vapor

/// A Rapport server for one test: its own empty `TestDatabase`, migrated, with an admin and a token, listening on a
/// free loopback port. Requests travel over real HTTP.
struct TestApp {
    let app: Application
    let clock: TestClock
    let client: HTTPClient
    let baseURL: String
    /// A token of the admin user.
    let adminToken: String
    let adminID: UUID

    /// Runs `test` against a fresh server and tears everything down afterwards.
    static func run(
        maxBodyBytes: Int = 1_048_576, settings extra: [Settings.Key: String] = [:],
        _ test: (TestApp) async throws -> Void
    ) async throws {
        let clock = TestClock()
        let app = try await Application.make(.testing)
        var cleanup: [() async throws -> Void] = []
        do {
            let database = try await TestDatabase.provision(using: app.databases)
            cleanup.append { try await database.drop() }
            let flags = database.flags.merging([
                .port: "0", .maxBodyBytes: String(maxBodyBytes), .logLevel: "warning", .tokenCacheSeconds: "5",
            ]) { first, _ in first }.merging(extra) { _, new in new }
            let settings = try Settings.resolve(flags: flags, environment: [:])
            try configure(app, settings: settings, clock: clock)
            try await Startup.migrate(app)
            let store = app.rapportDatabase
            let user = try await UserRepository(store).create(
                email: "admin@example.com", displayName: "Admin", passwordHash: "-", role: .admin, team: nil)
            let secret = try await TokenRepository(store).create(userID: user.id, name: "test").secret
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            guard let port = app.http.server.shared.localAddress?.port else { throw Abort(.internalServerError) }
            let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
            let testApp = TestApp(
                app: app, clock: clock, client: client, baseURL: "http://127.0.0.1:\(port)", adminToken: secret,
                adminID: user.id)
            do {
                try await test(testApp)
            } catch {
                try? await client.shutdown()
                throw error
            }
            try await client.shutdown()
        } catch {
            await Self.tearDown(app, cleanup)
            throw error
        }
        await Self.tearDown(app, cleanup)
    }

    private static func tearDown(_ app: Application, _ cleanup: [() async throws -> Void]) async {
        await app.server.shutdown()
        for step in cleanup { try? await step() }
        try? await app.asyncShutdown()
    }

    // MARK: - Users

    /// Creates a user with a token; returns the token.
    @discardableResult
    func user(_ email: String, role: Role, team: String? = nil) async throws -> (id: UUID, token: String) {
        let store = app.rapportDatabase
        let user = try await UserRepository(store).create(
            email: email, displayName: email, passwordHash: "-", role: role, team: team)
        let secret = try await TokenRepository(store).create(userID: user.id, name: "test").secret
        return (user.id, secret)
    }

    // MARK: - Requests

    /// Sends a request as `token` (the admin's by default; none when `anonymous`). `json` is encoded as the body
    /// with `Content-Type: application/json` unless raw `body` bytes are given.
    @discardableResult
    func send(
        _ method: HTTPMethod, _ path: String, token: String? = nil, anonymous: Bool = false,
        headers: [(String, String)] = [], json: JSONValue? = nil, body: Data? = nil, contentType: String? = nil
    ) async throws -> TestResponse {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if !anonymous {
            request.headers.add(name: "Authorization", value: "Bearer \(token ?? adminToken)")
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let data = body ?? json.map({ Data($0.encodedText().utf8) }) {
            request.headers.add(name: "Content-Type", value: contentType ?? "application/json")
            request.body = .bytes(ByteBuffer(data: data))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return TestResponse(status: response.status, headers: response.headers, body: Data(buffer: bytes))
    }

    /// Creates a customer as `token` (the admin by default) and returns it.
    func createCustomer(_ document: JSONValue, token: String? = nil) async throws -> JSONValue {
        let response = try await send(.POST, "/api/v1/customers", token: token, json: document)
        guard response.status == .created else {
            throw TestFailure("create failed with \(response.status): \(response.text)")
        }
        return response.json
    }

    /// How many rows a table has: tests check that rejected requests wrote nothing.
    func count(_ table: String) async throws -> Int {
        let row = try await (app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM \(ident: table)").first()
        return try row?.decode(column: "n", as: Int.self) ?? -1
    }
}

/// A response with its body read.
struct TestResponse {
    let status: HTTPResponseStatus
    let headers: HTTPHeaders
    let body: Data

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as JSON, or `.null` when it is not JSON.
    var json: JSONValue { (try? JSONValue.parse(body)) ?? .null }

    /// The `errors[].field` of a problem response.
    var errorFields: [String] {
        json["errors"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension JSONValue {
    /// The member of an object, nil otherwise.
    subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }

    /// The element of an array, nil otherwise.
    subscript(index: Int) -> JSONValue? {
        guard let items = arrayValue, items.indices.contains(index) else { return nil }
        return items[index]
    }
}
