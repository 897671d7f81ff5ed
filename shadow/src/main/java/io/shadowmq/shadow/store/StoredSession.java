package io.shadowmq.shadow.store;

import java.util.List;

/**
 * A persistent session as read back at start-up: enough to route to it (its subscriptions) and to
 * bound its queue, without its messages, which are read when its client comes back.
 *
 * @param expiresAtMillis when the offline session expires, 0 for never
 * @param messageCount    messages stored for it
 * @param lastSeq         the highest message sequence number stored for it, 0 if none
 * @param awaitingRelease incoming QoS 2 packet ids delivered and not yet released
 */
public record StoredSession(String clientId, long expirySeconds, long expiresAtMillis,
                           List<StoredSubscription> subscriptions, long messageCount, long lastSeq,
                           List<Integer> awaitingRelease) {
}
