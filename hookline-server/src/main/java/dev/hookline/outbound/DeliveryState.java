package dev.hookline.outbound;

import dev.hookline.store.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Where one message stands with one endpoint. {@code nextAttemptAt} is null once the delivery is final. */
public record DeliveryState(String id, String messageId, String endpointId, String status, int attempts,
                            Long nextAttemptAt, Long leasedUntil, long updatedAt) {
    public static final String PENDING = "pending";
    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";

    /** The deliveries columns {@link #read} needs. */
    public static final String COLUMNS = "id, message_id, endpoint_id, status, attempts, next_attempt_at, leased_until, updated_at";

    public static DeliveryState read(ResultSet rs) throws SQLException {
        return new DeliveryState(rs.getString("id"), rs.getString("message_id"), rs.getString("endpoint_id"),
                rs.getString("status"), rs.getInt("attempts"), Sql.nullableLong(rs, "next_attempt_at"),
                Sql.nullableLong(rs, "leased_until"), rs.getLong("updated_at"));
    }
}
