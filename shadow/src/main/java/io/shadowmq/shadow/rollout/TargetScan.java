package io.shadowmq.shadow.rollout;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.List;

/**
 * The target scan of a rollout: the next devices of its group, selector or list, in id order after
 * the stored cursor, become executions (QUEUED, or SKIPPED with the reason), a page at a time. The
 * cursor and the eligible count are stored with the rollout, so a restarted engine continues the
 * scan. Devices that join the group or selector of a continuous rollout are taken in by id.
 */
final class TargetScan {
  private final RolloutEngine engine;

  TargetScan(RolloutEngine engine) {
    this.engine = engine;
  }

  /** Scans one page; true when the scan reached the end of the target. */
  Future<Boolean> page() {
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
  Future<Void> joined(List<String> devices) {
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
