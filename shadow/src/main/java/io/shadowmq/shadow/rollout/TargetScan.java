package io.shadowmq.shadow.rollout;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;

/**
 * One page of a rollout's target scan: the next devices of its group, selector or list, in id
 * order after the stored cursor, become executions (QUEUED, or SKIPPED with the reason). The cursor
 * and the eligible count are stored with the rollout, so a restarted engine continues the scan.
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
    Future<JsonObject> selector;
    if (target.group() != null) {
      selector = engine.parts.groups().find(target.group())
          .map(g -> g == null ? null : new JsonObject(new LinkedHashMap<>(g.selector())));
    } else {
      selector = Future.succeededFuture(target.selector() == null ? null
          : new JsonObject(new LinkedHashMap<>(target.selector())));
    }
    int pageSize = engine.parts.settings().pageSize();
    return selector.compose(sel -> {
      if (sel == null && target.devices() == null) {
        return engine.save(r.withScan(null, true, 0)).map(true); // the group is gone: nothing (more) to add
      }
      JsonObject compatibility = new JsonObject(new LinkedHashMap<>(engine.release.compatibility()));
      return engine.parts.executions().scan(r.id(), r.scanCursor(), pageSize, r.eligible(), compatibility,
          r.targetVersion(), r.spec().supersede(), sel, target.devices()).compose(page -> {
            boolean done = page.scanned() < pageSize;
            engine.ledger.scanned(page.eligible(), page.skipped());
            engine.superseded(page.superseded());
            return engine.save(engine.rollout.withScan(done ? null : page.last(), done, page.eligible())).map(done);
          });
    });
  }
}
