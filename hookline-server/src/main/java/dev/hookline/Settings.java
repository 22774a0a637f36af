package dev.hookline;

import java.nio.file.Path;
import java.util.Map;

/**
 * Everything the server is configured with. The environment names are a contract (DESIGN.md):
 * {@code HOOKLINE_PORT}, {@code HOOKLINE_DATA_DIR}, {@code HOOKLINE_DATABASE_URL},
 * {@code HOOKLINE_API_KEY}, {@code HOOKLINE_MASTER_KEY}, {@code HOOKLINE_ALLOW_PRIVATE_TARGETS}.
 */
public record Settings(
        String host,
        int port,
        String publicUrl,
        Path dataDir,
        String databaseUrl,
        String apiKey,
        String masterKey,
        boolean allowPrivateTargets,
        boolean httpsOnly,
        java.time.Duration autoDisableAfter,
        java.time.Duration retention,
        java.time.Duration recordRetention,
        int writeQueueCapacity,
        int maxInFlight,
        ServerTls tls,
        boolean strictEventTypes) {

    /**
     * HTTPS from a PEM certificate chain and private key (re-read when the files change), on
     * {@code port}; {@code http} says whether plain HTTP is served on the main port as well.
     * {@link #NONE} when no certificate is configured.
     */
    public record ServerTls(Path cert, Path key, int port, boolean http) {
        public static final ServerTls NONE = new ServerTls(null, null, 0, true);
        public static final int DEFAULT_PORT = 8443;

        public boolean enabled() {
            return cert != null;
        }

        static ServerTls fromEnvironment(Map<String, String> env) {
            String cert = blankToNull(env.get("HOOKLINE_TLS_CERT"));
            String key = blankToNull(env.get("HOOKLINE_TLS_KEY"));
            boolean http = env.get("HOOKLINE_HTTP") == null || env.get("HOOKLINE_HTTP").isBlank()
                    || parseBoolean("HOOKLINE_HTTP", env.get("HOOKLINE_HTTP"));
            if ((cert == null) != (key == null)) {
                throw new IllegalArgumentException("set both HOOKLINE_TLS_CERT and HOOKLINE_TLS_KEY (PEM files), or neither");
            }
            if (cert == null) {
                if (!http) {
                    throw new IllegalArgumentException("HOOKLINE_HTTP=false needs HTTPS: set HOOKLINE_TLS_CERT and HOOKLINE_TLS_KEY");
                }
                return NONE;
            }
            String port = env.get("HOOKLINE_TLS_PORT");
            return new ServerTls(Path.of(cert), Path.of(key),
                    port == null || port.isBlank() ? DEFAULT_PORT : parsePort("HOOKLINE_TLS_PORT", port), http);
        }
    }

    public static final int DEFAULT_PORT = 8080;

    @Override
    public String toString() {
        return "Settings[host=" + host + ", port=" + port + ", dataDir=" + dataDir + ", database="
                + (databaseUrl == null ? "sqlite" : "external") + ", apiKey=" + (apiKey == null ? "generated" : "set")
                + ", masterKey=" + (masterKey == null ? "file" : "set") + ", allowPrivateTargets=" + allowPrivateTargets
                + ", httpsOnly=" + httpsOnly + ", tls=" + (tls.enabled() ? "port " + tls.port() + (tls.http() ? " and http" : " only") : "off") + "]";
    }
    public static final int DEFAULT_MAX_IN_FLIGHT = 1_000;

    public static Settings fromEnvironment(Map<String, String> env) {
        java.time.Duration retention = parseDuration("HOOKLINE_RETENTION", env.get("HOOKLINE_RETENTION"), java.time.Duration.ofDays(30));
        return new Settings(
                env.getOrDefault("HOOKLINE_HOST", "0.0.0.0"),
                parsePort("HOOKLINE_PORT", env.get("HOOKLINE_PORT")),
                blankToNull(env.get("HOOKLINE_PUBLIC_URL")),
                Path.of(env.getOrDefault("HOOKLINE_DATA_DIR", "./data")),
                blankToNull(env.get("HOOKLINE_DATABASE_URL")),
                blankToNull(env.get("HOOKLINE_API_KEY")),
                blankToNull(env.get("HOOKLINE_MASTER_KEY")),
                parseBoolean("HOOKLINE_ALLOW_PRIVATE_TARGETS", env.get("HOOKLINE_ALLOW_PRIVATE_TARGETS")),
                parseBoolean("HOOKLINE_HTTPS_ONLY", env.get("HOOKLINE_HTTPS_ONLY")),
                parseDuration("HOOKLINE_AUTO_DISABLE_AFTER", env.get("HOOKLINE_AUTO_DISABLE_AFTER"), java.time.Duration.ofDays(5)),
                retention,
                recordRetention(env.get("HOOKLINE_RECORD_RETENTION"), retention),
                parseInt("HOOKLINE_WRITE_QUEUE_CAPACITY", env.get("HOOKLINE_WRITE_QUEUE_CAPACITY"), 20_000),
                DEFAULT_MAX_IN_FLIGHT,
                ServerTls.fromEnvironment(env),
                parseBoolean("HOOKLINE_STRICT_EVENT_TYPES", env.get("HOOKLINE_STRICT_EVENT_TYPES")));
    }

    /** The defaults, with data in {@code dataDir}: what an empty environment gives. */
    public static Settings defaults(Path dataDir) {
        return fromEnvironment(Map.of()).withDataDir(dataDir);
    }

    public Settings withHost(String value) {
        return new Settings(value, port, publicUrl, dataDir, databaseUrl, apiKey, masterKey, allowPrivateTargets, httpsOnly, autoDisableAfter, retention, recordRetention, writeQueueCapacity, maxInFlight, tls, strictEventTypes);
    }

    public Settings withPort(int value) {
        return new Settings(host, value, publicUrl, dataDir, databaseUrl, apiKey, masterKey, allowPrivateTargets, httpsOnly, autoDisableAfter, retention, recordRetention, writeQueueCapacity, maxInFlight, tls, strictEventTypes);
    }

    public Settings withDataDir(Path value) {
        return new Settings(host, port, publicUrl, value, databaseUrl, apiKey, masterKey, allowPrivateTargets, httpsOnly, autoDisableAfter, retention, recordRetention, writeQueueCapacity, maxInFlight, tls, strictEventTypes);
    }

    public Settings withDatabaseUrl(String value) {
        return new Settings(host, port, publicUrl, dataDir, value, apiKey, masterKey, allowPrivateTargets, httpsOnly, autoDisableAfter, retention, recordRetention, writeQueueCapacity, maxInFlight, tls, strictEventTypes);
    }

    public Settings withApiKey(String value) {
        return new Settings(host, port, publicUrl, dataDir, databaseUrl, value, masterKey, allowPrivateTargets, httpsOnly, autoDisableAfter, retention, recordRetention, writeQueueCapacity, maxInFlight, tls, strictEventTypes);
    }

    public Settings withAllowPrivateTargets(boolean value) {
        return new Settings(host, port, publicUrl, dataDir, databaseUrl, apiKey, masterKey, value, httpsOnly, autoDisableAfter, retention, recordRetention, writeQueueCapacity, maxInFlight, tls, strictEventTypes);
    }

    public Settings withAutoDisableAfter(java.time.Duration value) {
        return new Settings(host, port, publicUrl, dataDir, databaseUrl, apiKey, masterKey, allowPrivateTargets, httpsOnly, value, retention, recordRetention, writeQueueCapacity, maxInFlight, tls, strictEventTypes);
    }

    /** At most this many requests to endpoints in flight (0 pauses delivery: benchmarks use it to build a backlog). */
    public Settings withMaxInFlight(int value) {
        return new Settings(host, port, publicUrl, dataDir, databaseUrl, apiKey, masterKey, allowPrivateTargets, httpsOnly,
                autoDisableAfter, retention, recordRetention, writeQueueCapacity, value, tls, strictEventTypes);
    }

    public Settings withMasterKey(String value) {
        return new Settings(host, port, publicUrl, dataDir, databaseUrl, apiKey, value, allowPrivateTargets, httpsOnly,
                autoDisableAfter, retention, recordRetention, writeQueueCapacity, maxInFlight, tls, strictEventTypes);
    }

    public Settings withWriteQueueCapacity(int value) {
        return new Settings(host, port, publicUrl, dataDir, databaseUrl, apiKey, masterKey, allowPrivateTargets, httpsOnly,
                autoDisableAfter, retention, recordRetention, value, maxInFlight, tls, strictEventTypes);
    }

    public Settings withTls(ServerTls value) {
        return new Settings(host, port, publicUrl, dataDir, databaseUrl, apiKey, masterKey, allowPrivateTargets, httpsOnly, autoDisableAfter, retention, recordRetention, writeQueueCapacity, maxInFlight, value, strictEventTypes);
    }

    /** Endpoints may subscribe only to declared event types (names and wildcards that match one). */
    public Settings withStrictEventTypes(boolean value) {
        return new Settings(host, port, publicUrl, dataDir, databaseUrl, apiKey, masterKey, allowPrivateTargets, httpsOnly,
                autoDisableAfter, retention, recordRetention, writeQueueCapacity, maxInFlight, tls, value);
    }

    public Settings withHttpsOnly(boolean value) {
        return new Settings(host, port, publicUrl, dataDir, databaseUrl, apiKey, masterKey, allowPrivateTargets, value, autoDisableAfter, retention, recordRetention, writeQueueCapacity, maxInFlight, tls, strictEventTypes);
    }

    /** {@code never} keeps message records forever; a record may not go before its payload does. */
    private static java.time.Duration recordRetention(String value, java.time.Duration retention) {
        if (value != null && value.trim().equalsIgnoreCase("never")) {
            return null;
        }
        java.time.Duration records;
        try {
            records = parseDuration("HOOKLINE_RECORD_RETENTION", value, java.time.Duration.ofDays(90));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("HOOKLINE_RECORD_RETENTION must be a duration such as 90d or 400d, or never; got '" + value + "'");
        }
        if (records.compareTo(retention) < 0) {
            throw new IllegalArgumentException("HOOKLINE_RECORD_RETENTION (" + value + ") must be at least HOOKLINE_RETENTION ("
                    + (retention.toSeconds() % 86_400 == 0 ? retention.toDays() + "d" : retention.toSeconds() + "s")
                    + "): a message's record outlives its payload");
        }
        return records;
    }

    private static int parsePort(String name, String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_PORT;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a port number from 0 to 65535, got '" + value + "'");
        }
    }

    private static boolean parseBoolean(String name, String value) {
        if (value == null || value.isBlank()) {
            return false;
        }
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, got '" + value + "'");
        };
    }

    /** {@code 90s}, {@code 30m}, {@code 12h} or {@code 5d}. */
    static java.time.Duration parseDuration(String name, String value, java.time.Duration fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        var m = java.util.regex.Pattern.compile("(\\d{1,9})([smhd])").matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(name + " must be a number followed by s, m, h or d (e.g. 5d), got '" + value + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> java.time.Duration.ofSeconds(n);
            case "m" -> java.time.Duration.ofMinutes(n);
            case "h" -> java.time.Duration.ofHours(n);
            default -> java.time.Duration.ofDays(n);
        };
    }

    private static int parseInt(String name, String value, int fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a positive whole number, got '" + value + "'");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
