package dev.hookline.delivery;

/**
 * A delivery this node has leased: it alone may attempt it until the lease runs out.
 * {@code leaseToken} fences the result: it is recorded only if the row still carries it.
 */
record DeliveryClaim(String deliveryId, String messageId, String endpointId, String appId, int attemptsMade, String leaseToken) {

    /** The number of the attempt about to be made (1 for the first). */
    int attemptNumber() {
        return attemptsMade + 1;
    }
}
