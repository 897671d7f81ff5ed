package io.shadowmq.shadow.store;

/** One subscription of a persistent session; {@code filter} as the client sent it (with {@code $share/g/}). */
public record StoredSubscription(String filter, int qos, boolean noLocal, boolean retainAsPublished,
                                 int retainHandling, int subscriptionId) {
}
