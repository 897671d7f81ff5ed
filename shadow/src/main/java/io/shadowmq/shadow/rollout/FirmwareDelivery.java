package io.shadowmq.shadow.rollout;

import io.shadowmq.shadow.firmware.Artifact;
import io.shadowmq.shadow.firmware.Release;
import io.shadowmq.shadow.port.DeviceGateway;
import io.shadowmq.shadow.port.MethodCall;
import io.shadowmq.shadow.port.MethodResult;
import io.shadowmq.shadow.port.ShadowReplies;
import io.shadowmq.shadow.service.ShadowService;
import io.shadowmq.shadow.state.ShadowKey;
import io.shadowmq.shadow.state.ShadowOperation;
import io.shadowmq.shadow.state.ShadowRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * How the engine tells a device what to run: through its desired shadow state (shadow mode:
 * {@code desired.firmware = {version, rolloutId, artifacts: [{name, url, sha256, size}]}}, trimmed to
 * {@code {version}} after success) or the {@code firmwareUpdate} direct method (method mode:
 * {@code {"fwPackageUri": url}}). Shadow changes are made like any other update, so the device gets
 * its delta at once or when it comes back.
 *
 * <p>Shadow writes complete on the shards' contexts and method answers on the device's session:
 * every future returned here completes on the context of its caller instead, so an engine's
 * continuations run where the engine runs.
 */
public final class FirmwareDelivery {
  /** The direct method of method mode. */
  public static final String METHOD = "firmwareUpdate";
  private static final Duration METHOD_TIMEOUT = Duration.ofSeconds(30);

  private final ShadowService shadows;
  private final ShadowReplies replies;
  private final DeviceGateway gateway;
  private final DownloadLinks links;

  public FirmwareDelivery(ShadowService shadows, ShadowReplies replies, DeviceGateway gateway, DownloadLinks links) {
    this.shadows = shadows;
    this.replies = replies;
    this.gateway = gateway;
    this.links = links;
  }

  /** The desired firmware object for a device: the release's version and artifacts with links valid until {@code expires}. */
  private JsonObject instruction(Release release, String rolloutId, String device, Instant expires) {
    JsonArray artifacts = new JsonArray();
    for (Artifact a : release.artifacts()) {
      artifacts.add(new JsonObject().put("name", a.name()).put("url", links.mint(a.id(), device, expires))
          .put("sha256", a.sha256()).put("size", a.size()));
    }
    return new JsonObject().put("version", release.version()).put("rolloutId", rolloutId).put("artifacts", artifacts);
  }

  /**
   * Shadow mode: sets a device's {@code desired.firmware} to the release with links valid until
   * {@code expires}; true when the shadow took it. The instruction is built on the context of the
   * shard that serves the device, so a large wave's work spreads over the shards' event loops.
   */
  public Future<Boolean> desire(Release release, String rolloutId, String device, Instant expires) {
    return onCaller(shadows.onThing(device, () -> write(device, new JsonObject().put("firmware",
        instruction(release, rolloutId, device, expires)))));
  }

  /** Shadow mode: sets {@code desired.firmware}; true when the shadow took it. */
  public Future<Boolean> desire(String device, JsonObject firmware) {
    return update(device, new JsonObject().put("firmware", firmware));
  }

  /** After success: {@code desired.firmware} keeps only its version, so the device's delta empties. */
  public Future<Boolean> trim(String device) {
    return update(device, new JsonObject().put("firmware",
        new JsonObject().putNull("rolloutId").putNull("artifacts")));
  }

  /** Removes {@code desired.firmware} (a canceled execution the device had not started). */
  public Future<Boolean> clear(String device) {
    return update(device, new JsonObject().putNull("firmware"));
  }

  /**
   * Method mode: invokes {@code firmwareUpdate} with the first artifact's link. The future tells
   * how the device answered (offline and timeout included); it never fails.
   */
  public Future<MethodResult> invoke(Release release, String device, Instant expires) {
    if (release.artifacts().isEmpty()) {
      return Future.succeededFuture(MethodResult.answered(400, new byte[0]));
    }
    Artifact a = release.artifacts().get(0);
    byte[] body = new JsonObject().put("fwPackageUri", links.mint(a.id(), device, expires)).toBuffer().getBytes();
    return onCaller(gateway.invoke(new MethodCall(device, METHOD, body, METHOD_TIMEOUT))
        .otherwise(MethodResult.offline()));
  }

  private Future<Boolean> update(String device, JsonObject desired) {
    return onCaller(write(device, desired));
  }

  private Future<Boolean> write(String device, JsonObject desired) {
    byte[] payload = new JsonObject().put("state", new JsonObject().put("desired", desired)).encode()
        .getBytes(StandardCharsets.UTF_8);
    return shadows.handle(new ShadowRequest(ShadowKey.classic(device), ShadowOperation.UPDATE, payload))
        .map(outcome -> {
          if (outcome.isAccepted()) {
            replies.publish(outcome);
          }
          return outcome.isAccepted();
        });
  }

  /** {@code work}'s outcome, delivered on the calling thread's context (as it is when there is none). */
  private static <T> Future<T> onCaller(Future<T> work) {
    Context caller = Vertx.currentContext();
    if (caller == null) {
      return work;
    }
    Promise<T> back = Promise.promise();
    work.onComplete(ar -> {
      if (Vertx.currentContext() == caller) {
        back.handle(ar);
      } else {
        caller.runOnContext(v -> back.handle(ar));
      }
    });
    return back.future();
  }
}
