package io.shadowmq.shadow.rollout;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The target scan of a rollout: the next devices of its group, selector or list, in id order after
 * the stored cursor, become executions (QUEUED, or SKIPPED with the reason), a page at a time. The
 * cursor and the eligible count are stored with the rollout, so a restarted engine continues the
 * scan. A continuous rollout takes in the devices that join its group or selector: by id when the
 * admin API says so, else by scanning its whole target again from time to time. Used on the engine's
 * context only.
 */
final class TargetScan {
  private static final Logger LOG = LoggerFactory.getLogger(TargetScan.class);
  private final RolloutEngine engine;
  /** Devices registered or re-tagged since the last look (continuous rollouts only). */
  private Set<String> joined = new LinkedHashSet<>();
  /** The target changed during a scan: scan again once it is done. */
  private boolean rescanAfterScan;
  private Instant lastScanEnd = Instant.now();

  TargetScan(RolloutEngine engine) {
    this.engine = engine;
  }

  /** Scans the next page; true when the scan reached the end of the target. */
  Future<Boolean> next() {
    return page().onSuccess(done -> {
      if (done) {
        lastScanEnd = Instant.now();
        if (rescanAfterScan) {
          rescanAfterScan = false;
          rescan();
        }
      }
    });
  }

  /** Whether a continuous rollout's periodic rescan is due. */
  boolean rescanDue() {
    return Instant.now().isAfter(lastScanEnd.plusMillis(engine.parts.settings().rescanMillis()));
  }

  /**
   * Devices were registered or their tags changed: a continuous rollout takes in those that are now
   * in its group or selector, at once rather than at its next rescan. Batched like reports.
   */
  void devicesChanged(Collection<String> devices) {
    Rollout r = engine.rollout;
    if (!r.spec().continuous() || !r.state().active() || engine.stopped()) {
      return;
    }
    boolean first = joined.isEmpty();
    joined.addAll(devices);
    if (first && !joined.isEmpty()) {
      engine.steps.run(this::takeInJoined).onFailure(e -> LOG.warn("rollout {}: taking in new devices failed: {}",
          engine.id(), e.toString()));
    }
  }

  private Future<Void> takeInJoined() {
    if (engine.stopped()) {
      joined.clear();
      return Future.succeededFuture();
    }
    int pageSize = engine.parts.settings().pageSize();
    List<String> batch = new ArrayList<>(Math.min(joined.size(), pageSize));
    Iterator<String> it = joined.iterator();
    while (it.hasNext() && batch.size() < pageSize) {
      batch.add(it.next());
      it.remove();
    }
    if (!joined.isEmpty()) {
      engine.steps.run(this::takeInJoined); // the rest, a page at a time
    }
    return joined(batch).onSuccess(v -> engine.requestAdvance());
  }

  /**
   * A continuous rollout scans its whole target again (its group changed, or its rescan is due);
   * when a scan is under way, once it is done, as devices before its cursor may have joined.
   */
  void rescan() {
    Rollout r = engine.rollout;
    if (!r.spec().continuous() || !r.state().active() || engine.stopped()) {
      return;
    }
    if (!r.scanDone()) {
      rescanAfterScan = true;
      return;
    }
    engine.steps.run(() -> engine.rollout.scanDone() && !engine.stopped()
        ? engine.save(engine.rollout.withScan(null, false, 0)) : Future.<Void>succeededFuture())
        .onSuccess(v -> engine.requestAdvance());
  }

  /** Scans one page; true when the scan reached the end of the target. */
  private Future<Boolean> page() {
    Rollout r = engine.rollout;
    RolloutSpec.Target target = r.spec().target();
    int pageSize = engine.parts.settings().pageSize();
    return selector().compose(sel -> {
      if (sel == null && target.devices() == null) {
        return engine.save(r.withScan(null, true, 0)).map(true); // the group is gone: nothing (more) to add
      }
      return engine.parts.executions().scan(r.id(), r.scanCursor(), pageSize, r.eligible(), compatibility(),
          r.targetVersion(), r.spec().supersede(), sel, target.devices()).compose(page -> {
            boolean done = page.scanned() < pageSize;
            return counted(page, done ? null : page.last(), done).map(done);
          });
    });
  }

  /**
   * Takes in those of {@code devices} that are in the rollout's group or selector now and have no
   * execution yet (the cursor stays where it is). Device-list targets take in nobody.
   */
  private Future<Void> joined(List<String> devices) {
    Rollout r = engine.rollout;
    if (r.spec().target().devices() != null) {
      return Future.succeededFuture();
    }
    return selector().compose(sel -> sel == null ? Future.succeededFuture()
        : engine.parts.executions().scanJoined(r.id(), r.eligible(), compatibility(), r.targetVersion(),
            r.spec().supersede(), sel, devices).compose(page -> page.scanned() == 0 ? Future.succeededFuture()
            : counted(page, engine.rollout.scanCursor(), engine.rollout.scanDone())));
  }

  private Future<Void> counted(ExecutionStorePg.ScanPage page, String cursor, boolean done) {
    engine.ledger.scanned(page.eligible(), page.skipped());
    engine.superseded(page.superseded());
    return engine.save(engine.rollout.withScan(cursor, done, page.eligible()));
  }

  /** The tags the target's devices carry: the group's (null when it is gone) or the selector; null for a list. */
  private Future<JsonObject> selector() {
    RolloutSpec.Target target = engine.rollout.spec().target();
    if (target.group() != null) {
      return engine.parts.groups().find(target.group())
          .map(g -> g == null ? null : new JsonObject(new LinkedHashMap<>(g.selector())));
    }
    return Future.succeededFuture(target.selector() == null ? null
        : new JsonObject(new LinkedHashMap<>(target.selector())));
  }

  private JsonObject compatibility() {
    return new JsonObject(new LinkedHashMap<>(engine.release.compatibility()));
  }
}
