package io.shadowmq.shadow.firmware;

/**
 * An artifact to upload into a release.
 *
 * @param expectedSha256 the SHA-256 the sender says the bytes have (lower-case hex), or null to take what arrives
 * @param maxSize        the most bytes accepted; past it the upload fails with {@link ReleaseStore.ArtifactTooLargeException}
 */
public record NewArtifact(String releaseId, String name, String contentType, String expectedSha256, long maxSize) {
}
