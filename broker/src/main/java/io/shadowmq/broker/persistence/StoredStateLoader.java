package io.shadowmq.broker.persistence;

import io.shadowmq.broker.loop.BrokerLoop;
import io.shadowmq.broker.routing.Subscription;
import io.shadowmq.broker.routing.Topics;
import io.shadowmq.broker.session.SessionRegistry;
import io.shadowmq.shadow.store.SessionStore;
import io.shadowmq.shadow.store.StoredSession;
import io.shadowmq.shadow.store.StoredSubscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reads the node's stored state back at start-up, before any listener opens: retained messages
 * into memory, persistent sessions (subscriptions and queue sizes, not their messages) into the
 * session registry and the subscription tree.
 */
public final class StoredStateLoader {
  private static final Logger LOG = LoggerFactory.getLogger(StoredStateLoader.class);

  private StoredStateLoader() {
  }

  /** Blocking: call from main. */
  public static void load(DurableRetainedMessages retained, SessionStore sessions, SessionRegistry registry,
                          List<BrokerLoop> loops) throws Exception {
    long start = System.nanoTime();
    long retainedCount = retained.restore().await(10, TimeUnit.MINUTES);
    long[] messages = new long[1];
    long sessionCount = sessions.loadSessions(stored -> {
      messages[0] += stored.messageCount();
      restore(stored, registry, loops);
    }).await(10, TimeUnit.MINUTES);
    LOG.info("restored {} retained messages and {} persistent sessions ({} stored messages) in {} ms",
        retainedCount, sessionCount, messages[0], TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }

  private static void restore(StoredSession stored, SessionRegistry registry, List<BrokerLoop> loops) {
    List<SessionRegistry.RestoredSubscription> subs = new ArrayList<>(stored.subscriptions().size());
    for (StoredSubscription s : stored.subscriptions()) {
      Topics.ParsedFilter parsed;
      try {
        parsed = Topics.parseFilter(s.filter(), Integer.MAX_VALUE, Integer.MAX_VALUE);
      } catch (IllegalArgumentException e) {
        LOG.warn("stored subscription '{}' of {} is not a valid filter; skipped", s.filter(), stored.clientId());
        continue;
      }
      subs.add(session -> new Subscription(session, s.filter(), parsed.topicFilter(), parsed.shareGroup(), s.qos(),
          s.noLocal(), s.retainAsPublished(), s.retainHandling(), s.subscriptionId()));
    }
    registry.restore(stored.clientId(), stored.expirySeconds(), subs, stored.awaitingRelease(), stored.messageCount(),
        stored.lastSeq(), stored.expiresAtMillis(), loops);
  }
}
