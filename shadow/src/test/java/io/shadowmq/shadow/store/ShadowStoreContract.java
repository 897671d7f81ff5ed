package io.shadowmq.shadow.store;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shadowmq.shadow.state.Shadow;
import io.shadowmq.shadow.state.ShadowKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link ShadowStore} must do; run against each implementation. */
@Timeout(60)
abstract class ShadowStoreContract {
  protected Vertx vertx = Vertx.vertx();
  protected SimpleMeterRegistry registry = new SimpleMeterRegistry();
  protected ShadowStore store;

  /** A store on empty storage; {@link #reopen()} must return one on the same data. */
  protected abstract ShadowStore open() throws Exception;

  protected abstract ShadowStore reopen() throws Exception;

  protected abstract void closeStore() throws Exception;

  @BeforeEach
  void setUp() throws Exception {
    store = open();
  }

  @AfterEach
  void tearDown() throws Exception {
    closeStore();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static Shadow shadow(long version, String desired, String reported) {
    JsonObject d = desired == null ? null : new JsonObject(desired);
    JsonObject r = reported == null ? null : new JsonObject(reported);
    JsonObject meta = new JsonObject();
    if (d != null) {
      meta.put("desired", new JsonObject().put("k", new JsonObject().put("timestamp", 1700000000L + version)));
    }
    return new Shadow(d, r, meta, version, true);
  }

  Shadow load(ShadowStore s, ShadowKey key) throws Exception {
    return s.load(key).await(10, TimeUnit.SECONDS);
  }

  @Test
  void aSavedShadowIsReadBackWithStateMetadataAndVersion() throws Exception {
    ShadowKey key = ShadowKey.classic("pump-1");
    Shadow saved = shadow(3, "{\"k\":{\"b\":[1,2.5,\"x\"],\"a\":null}}", "{\"z\":true,\"a\":\"é\"}");
    store.save(key, saved).await(10, TimeUnit.SECONDS);
    Shadow back = load(reopen(), key);
    assertThat(back).isEqualTo(saved);
    assertThat(back.desired().fieldNames()).as("key order kept").containsExactly("k");
    assertThat(back.reported().fieldNames()).containsExactly("z", "a");
  }

  @Test
  void aShadowThatWasNeverSavedIsNull() throws Exception {
    assertThat(load(store, ShadowKey.classic("nobody"))).isNull();
  }

  @Test
  void aDeletedShadowKeepsItsVersion() throws Exception {
    ShadowKey key = ShadowKey.named("pump-1", "config");
    store.save(key, shadow(5, "{\"k\":1}", null)).await(10, TimeUnit.SECONDS);
    store.save(key, Shadow.deleted(5)).await(10, TimeUnit.SECONDS);
    assertThat(load(reopen(), key)).isEqualTo(Shadow.deleted(5));
  }

  @Test
  void classicAndNamedShadowsOfAThingAreSeparate() throws Exception {
    store.save(ShadowKey.classic("t"), shadow(1, "{\"k\":\"classic\"}", null)).await(10, TimeUnit.SECONDS);
    store.save(ShadowKey.named("t", "fw"), shadow(7, "{\"k\":\"named\"}", null)).await(10, TimeUnit.SECONDS);
    ShadowStore other = reopen();
    assertThat(load(other, ShadowKey.classic("t")).desired().getString("k")).isEqualTo("classic");
    assertThat(load(other, ShadowKey.named("t", "fw")).version()).isEqualTo(7);
    assertThat(load(other, ShadowKey.named("t", "other"))).isNull();
  }

  @Test
  void aNewerVersionReplacesTheStoredOneAndAnOlderOneDoesNot() throws Exception {
    ShadowKey key = ShadowKey.classic("v");
    store.save(key, shadow(1, "{\"k\":1}", null)).await(10, TimeUnit.SECONDS);
    store.save(key, shadow(2, "{\"k\":2}", null)).await(10, TimeUnit.SECONDS);
    store.save(key, shadow(1, "{\"k\":\"stale\"}", null)).await(10, TimeUnit.SECONDS);
    Shadow back = load(reopen(), key);
    assertThat(back.version()).isEqualTo(2);
    assertThat(back.desired().getInteger("k")).isEqualTo(2);
  }

  @Test
  void savesFromManyContextsAreAllStored() throws Exception {
    List<Future<Void>> saves = new ArrayList<>();
    int contexts = 4;
    int perContext = 250;
    List<io.vertx.core.Promise<Void>> started = new ArrayList<>();
    for (int c = 0; c < contexts; c++) {
      int base = c * perContext;
      io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
      started.add(done);
      vertx.getOrCreateContext().runOnContext(v -> {
        List<Future<Void>> mine = new ArrayList<>();
        for (int i = 0; i < perContext; i++) {
          mine.add(store.save(ShadowKey.classic("dev-" + (base + i)), shadow(1, "{\"k\":" + (base + i) + "}", null)));
        }
        Future.all(mine).<Void>mapEmpty().onComplete(done);
      });
    }
    for (var p : started) {
      saves.add(p.future());
    }
    Future.all(saves).await(30, TimeUnit.SECONDS);
    ShadowStore other = reopen();
    for (int i = 0; i < contexts * perContext; i += 97) {
      assertThat(load(other, ShadowKey.classic("dev-" + i)).desired().getInteger("k")).isEqualTo(i);
    }
  }
}
