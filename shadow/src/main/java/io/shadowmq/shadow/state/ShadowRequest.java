package io.shadowmq.shadow.state;

/**
 * One request on a shadow, as a device or an application sent it.
 *
 * @param payload the request body as received (JSON, possibly empty for get and delete); never modified
 */
public record ShadowRequest(ShadowKey key, ShadowOperation operation, byte[] payload) {
}
