package dev.hookline.signature;

import dev.hookline.signature.WebhookVerificationException.Reason;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/** The replay window of the two timestamped schemes: a signed timestamp must lie within ±tolerance of now. */
record TimestampTolerance(Duration tolerance, Clock clock) {

    static final TimestampTolerance DEFAULT = new TimestampTolerance(Duration.ofMinutes(5), Clock.systemUTC());

    /** At most 18 digits, so the value and its distance from now can never overflow a long. */
    private static final int MAX_DIGITS = 18;

    TimestampTolerance {
        Objects.requireNonNull(tolerance, "tolerance");
        Objects.requireNonNull(clock, "clock");
        if (tolerance.isNegative()) {
            throw new IllegalArgumentException("tolerance must not be negative: " + tolerance);
        }
    }

    TimestampTolerance withTolerance(Duration newTolerance) {
        return new TimestampTolerance(newTolerance, clock);
    }

    TimestampTolerance withClock(Clock newClock) {
        return new TimestampTolerance(tolerance, newClock);
    }

    /** Unix seconds as ASCII digits only: Long.parseLong would also take a sign and non-ASCII digits. */
    static long parseSeconds(String value) throws WebhookVerificationException {
        boolean digitsOnly = !value.isEmpty() && value.length() <= MAX_DIGITS
                && value.chars().allMatch(c -> c >= '0' && c <= '9');
        if (!digitsOnly) {
            throw new WebhookVerificationException(Reason.MALFORMED_HEADER, "the timestamp is not unix seconds");
        }
        return Long.parseLong(value);
    }

    void check(long timestampSeconds) throws WebhookVerificationException {
        long now = clock.instant().getEpochSecond();
        long age = now - timestampSeconds;
        long allowed = tolerance.toSeconds();
        if (age > allowed) {
            throw new WebhookVerificationException(Reason.TIMESTAMP_TOO_OLD,
                    "the timestamp is " + age + " s old; at most " + allowed + " s is accepted");
        }
        if (-age > allowed) {
            throw new WebhookVerificationException(Reason.TIMESTAMP_IN_FUTURE,
                    "the timestamp is " + -age + " s in the future; at most " + allowed + " s is accepted");
        }
    }
}
