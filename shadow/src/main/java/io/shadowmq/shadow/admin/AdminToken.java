package io.shadowmq.shadow.admin;

import java.time.Instant;

/** A stored admin API token, without the token itself (only its hash is stored). */
public record AdminToken(String id, AdminRole role, String name, Instant createdAt) {
}
