import PostgresNIO
import Storage
import Testing

@Suite("DATABASE_URL")
struct DatabaseURLTests {
    @Test("a full URL is parsed into host, port, user, password and database")
    func fullURL() throws {
        let configuration = try DatabaseURL.configuration("postgres://vibn:s%40cret@db.internal:6543/gateway")
        #expect(configuration.host == "db.internal")
        #expect(configuration.port == 6543)
        #expect(configuration.username == "vibn")
        #expect(configuration.password == "s@cret")
        #expect(configuration.database == "gateway")
    }

    @Test("unusable URLs are rejected with the reason", arguments: [
        "mysql://u@h/db", "postgres:///db", "postgres://h/db", "postgres://u@h/db?sslmode=bogus", "not a url",
    ])
    func invalid(url: String) throws {
        #expect(throws: DatabaseURL.Invalid.self) { try DatabaseURL.configuration(url) }
    }
}
