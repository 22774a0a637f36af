package dev.hookline.delivery;

/** What an attempt means for its delivery. */
sealed interface AttemptOutcome {
    /** The receiver answered 2xx: done. */
    record Delivered() implements AttemptOutcome {}

    /** Failed, with attempts left: try again at {@code atMillis}. */
    record RetryLater(long atMillis) implements AttemptOutcome {}

    /** Failed, and the retry policy is spent: the delivery is final. */
    record GaveUp() implements AttemptOutcome {}

    /** The receiver answered 410 Gone: the delivery is final and the endpoint is disabled. */
    record Gone() implements AttemptOutcome {}
}
