import Foundation
import RapportCore
import Testing

@Suite("Authentication and the role matrix")
struct AuthorizationTests {
    @Test("every /api/v1 route needs a live token; health checks and the OpenAPI document do not")
    func authenticationRequired() async throws {
        try await TestApp.run { api in
            for path in ["/api/v1/customers", "/api/v1/events", "/api/v1/me", "/api/v1/tokens"] {
                let response = try await api.send(.GET, path, anonymous: true)
                #expect(response.status == .unauthorized, "\(path)")
                #expect(response.headers.first(name: "WWW-Authenticate")?.hasPrefix("Bearer") == true)
                #expect(response.json["type"] == "/problems/unauthenticated")
            }
            let forged = "rap_" + String(repeating: "A", count: 43)
            #expect(try await api.send(.GET, "/api/v1/customers", token: forged).status == .unauthorized)
            #expect(try await api.send(.GET, "/api/v1/customers", anonymous: true,
                                       headers: [("Authorization", "Basic YWRtaW46YWRtaW4=")]).status == .unauthorized)
            #expect(try await api.send(.POST, "/api/v1/customers", anonymous: true, json: ["name": "x"]).status == .unauthorized)
            #expect(try await api.count("customers") == 0)
            for path in ["/healthz", "/readyz", "/api/openapi.json"] {
                #expect(try await api.send(.GET, path, anonymous: true).status == .ok, "\(path)")
            }
        }
    }

    @Test("a revoked token is refused at once; a new one works; last_used_at is recorded")
    func revocation() async throws {
        try await TestApp.run { api in
            let created = try await api.send(.POST, "/api/v1/tokens", json: ["name": "ci"])
            #expect(created.status == .created)
            let secret = try #require(created.json["secret"]?.stringValue)
            #expect(secret.hasPrefix("rap_") && secret.count == 47)
            let tokenID = try #require(created.json["id"]?.stringValue)
            #expect(try await api.send(.GET, "/api/v1/me", token: secret).json["email"] == "admin@example.com")
            let listed = try await api.send(.GET, "/api/v1/tokens").json["items"]?.arrayValue ?? []
            #expect(listed.allSatisfy { $0["secret"] == nil })
            #expect(listed.first { $0["id"]?.stringValue == tokenID }?["last_used_at"] != .null)

            #expect(try await api.send(.DELETE, "/api/v1/tokens/\(tokenID)").json["revoked_at"] != .null)
            #expect(try await api.send(.GET, "/api/v1/me", token: secret).status == .unauthorized)
            #expect(try await api.send(.POST, "/api/v1/tokens", json: ["name": "ci"]).status == .created)
            #expect(try await api.send(.POST, "/api/v1/tokens", json: ["name": "ci"]).status == .conflict)
        }
    }

    @Test("agents see and change only what they or their team own; others' customers are 404")
    func agentsAreScoped() async throws {
        try await TestApp.run { api in
            let alice = try await api.user("alice@example.com", role: .agent, team: "east")
            let bob = try await api.user("bob@example.com", role: .agent, team: "east")
            let carol = try await api.user("carol@example.com", role: .agent, team: "west")
            let mine = try await api.createCustomer(["name": "Alice's"], token: alice.token)
            #expect(mine["owner_id"]?.stringValue == alice.id.uuidString.lowercased())
            #expect(mine["team"] == "east")
            let carols = try await api.createCustomer(["name": "Carol's"], token: carol.token)
            let mineID = try #require(mine["id"]?.stringValue)
            let carolsID = try #require(carols["id"]?.stringValue)

            // A team-mate sees and changes it; an agent of another team cannot even learn it exists.
            #expect(try await api.send(.GET, "/api/v1/customers/\(mineID)", token: bob.token).status == .ok)
            #expect(try await api.send(.PATCH, "/api/v1/customers/\(mineID)", token: bob.token, json: ["tags": ["b"]]).status == .ok)
            for (method, suffix) in [("GET", ""), ("PATCH", ""), ("DELETE", ""), ("POST", "/restore"), ("GET", "/events")] {
                let path = "/api/v1/customers/\(carolsID)\(suffix)"
                let response = try await api.send(.init(rawValue: method), path, token: alice.token,
                                                  json: method == "PATCH" ? ["name": "x"] : nil)
                #expect(response.status == .notFound, "\(method) \(path)")
            }
            let listed = try await api.send(.GET, "/api/v1/customers", token: alice.token).json["items"]?.arrayValue
            #expect(listed?.compactMap { $0["id"]?.stringValue } == [mineID])
            let feed = try await api.send(.GET, "/api/v1/events", token: alice.token).json["items"]?.arrayValue ?? []
            #expect(feed.allSatisfy { $0["customer_id"]?.stringValue == mineID })
            #expect(feed.filter { $0["field"] != "crowds" }.count == 2)

            // Handing a customer to another team would lose it: refused.
            let away = try await api.send(.PATCH, "/api/v1/customers/\(mineID)", token: alice.token,
                                          json: ["owner_id": .string(carol.id.uuidString), "team": "west"])
            #expect(away.status == .unprocessableEntity)
            #expect(try await api.send(.GET, "/api/v1/customers/\(carolsID)").status == .ok)
        }
    }

    @Test("managers see their team; analysts read everything and change nothing; admins do all")
    func roleMatrix() async throws {
        try await TestApp.run { api in
            let manager = try await api.user("m@example.com", role: .manager, team: "east")
            let analyst = try await api.user("a@example.com", role: .analyst)
            let agent = try await api.user("e@example.com", role: .agent, team: "east")
            let west = try await api.user("w@example.com", role: .agent, team: "west")
            let east = try await api.createCustomer(["name": "East"], token: agent.token)
            let westCustomer = try await api.createCustomer(["name": "West"], token: west.token)
            let eastID = try #require(east["id"]?.stringValue)
            let westID = try #require(westCustomer["id"]?.stringValue)

            #expect(try await api.send(.GET, "/api/v1/customers/\(eastID)", token: manager.token).status == .ok)
            #expect(try await api.send(.GET, "/api/v1/customers/\(westID)", token: manager.token).status == .notFound)

            #expect(try await api.send(.GET, "/api/v1/customers/\(westID)", token: analyst.token).status == .ok)
            let count = try await api.send(.GET, "/api/v1/customers", token: analyst.token).json["items"]?.arrayValue?.count
            #expect(count == 2)
            let writes: [(String, String, JSONValue?)] = [
                ("POST", "/api/v1/customers", ["name": "x"]), ("PATCH", "/api/v1/customers/\(eastID)", ["name": "x"]),
                ("DELETE", "/api/v1/customers/\(eastID)", nil), ("POST", "/api/v1/customers/\(eastID)/restore", nil),
            ]
            let events = try await api.count("customer_events")
            for (method, path, body) in writes {
                let response = try await api.send(.init(rawValue: method), path, token: analyst.token, json: body)
                #expect(response.status == .forbidden, "\(method) \(path)")
            }
            #expect(try await api.count("customer_events") == events)
            #expect(try await api.count("customers") == 2)

            #expect(try await api.send(.GET, "/api/v1/users", token: manager.token).status == .forbidden)
            #expect(try await api.send(.POST, "/api/v1/users", token: agent.token,
                                       json: ["email": "x@y.cn", "display_name": "X", "role": "admin"]).status == .forbidden)
            #expect(try await api.send(.PATCH, "/api/v1/customers/\(westID)", json: ["name": "admin edit"]).status == .ok)
        }
    }

    @Test("admins create users through the API; the generated password is shown once")
    func adminCreatesUsers() async throws {
        try await TestApp.run { api in
            let created = try await api.send(.POST, "/api/v1/users", json: [
                "email": " New.Agent@Example.com ", "display_name": "新 同事", "role": "agent", "team": "east",
            ])
            #expect(created.status == .created)
            #expect(created.json["user"]?["email"] == "new.agent@example.com")
            #expect((created.json["password"]?.stringValue?.count ?? 0) >= 12)
            let duplicate = try await api.send(.POST, "/api/v1/users", json: [
                "email": "new.agent@example.com", "display_name": "Again", "role": "agent",
            ])
            #expect(duplicate.status == .conflict)
            let invalid = try await api.send(.POST, "/api/v1/users", json: [
                "email": "nope", "display_name": "", "role": "boss", "extra": true,
            ])
            #expect(invalid.status == .unprocessableEntity)
            #expect(Set(invalid.errorFields) == ["email", "display_name", "role", "extra"])
            let users = try await api.send(.GET, "/api/v1/users").json["items"]?.arrayValue?.count
            #expect(users == 2)
        }
    }
}
