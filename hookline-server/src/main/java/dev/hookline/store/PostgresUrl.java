package dev.hookline.store;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * {@code HOOKLINE_DATABASE_URL} in either spelling: {@code postgresql://user:pass@host:port/db?…}
 * (credentials taken out of the URL) or a {@code jdbc:postgresql:} URL used as it is.
 */
record PostgresUrl(String jdbcUrl, String user, String password) {

    static PostgresUrl parse(String url) {
        if (url.startsWith("jdbc:postgresql:")) {
            return new PostgresUrl(url, null, null);
        }
        if (!url.startsWith("postgresql://") && !url.startsWith("postgres://")) {
            throw new IllegalArgumentException("HOOKLINE_DATABASE_URL must be postgresql://user:pass@host:port/db or a"
                    + " jdbc:postgresql: URL");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) { // its message would quote the URL, password and all
            throw new IllegalArgumentException("HOOKLINE_DATABASE_URL is not a valid URL (are special characters in the"
                    + " password percent-encoded?)");
        }
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
            password = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : null;
        }
        String hostPort = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return new PostgresUrl("jdbc:postgresql://" + hostPort + uri.getRawPath() + query, user, password);
    }

    Connection connect() throws SQLException {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", "5");
        props.setProperty("socketTimeout", "60");
        props.setProperty("tcpKeepAlive", "true");
        return DriverManager.getConnection(jdbcUrl, props);
    }

    @Override
    public String toString() {
        int query = jdbcUrl.indexOf('?');
        return "PostgresUrl[" + (query < 0 ? jdbcUrl : jdbcUrl.substring(0, query) + "?…") + ", user=" + user + ", password hidden]";
    }
}
