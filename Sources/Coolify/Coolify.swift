// The Coolify adapter: REST client (URLSession over libcurl) and webhook payloads. Filled in by the Coolify lifecycle work.
