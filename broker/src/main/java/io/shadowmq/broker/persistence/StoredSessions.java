package io.shadowmq.broker.persistence;

import io.shadowmq.broker.routing.Delivery;
import io.shadowmq.broker.routing.SharedGroup;
import io.shadowmq.broker.routing.Subscription;
import io.shadowmq.broker.routing.SubscriptionTree;
import io.shadowmq.broker.session.SessionJournal;
import io.shadowmq.shadow.store.SessionStore;
import io.shadowmq.shadow.store.StoredSessionMessage;
import io.shadowmq.shadow.store.StoredSubscription;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;

/** The session journal on the session store: converts the broker's session changes to stored rows. */
public final class StoredSessions implements SessionJournal {
  private final SessionStore store;
  private final SubscriptionTree tree;

  public StoredSessions(SessionStore store, SubscriptionTree tree) {
    this.store = store;
    this.tree = tree;
  }

  @Override
  public void saveSession(String clientId, long expirySeconds, long expiresAtMillis) {
    store.saveSession(clientId, expirySeconds, expiresAtMillis);
  }

  @Override
  public void deleteSession(String clientId) {
    store.deleteSession(clientId);
  }

  @Override
  public void saveSubscription(String clientId, Subscription s) {
    store.saveSubscription(clientId, new StoredSubscription(s.filter(), s.qos(), s.noLocal(), s.retainAsPublished(),
        s.retainHandling(), s.subscriptionId()));
  }

  @Override
  public void deleteSubscription(String clientId, String filter) {
    store.deleteSubscription(clientId, filter);
  }

  @Override
  public void saveMessage(String clientId, Entry entry, boolean isNew) {
    Delivery d = entry.delivery();
    // The stored QoS is the one the message is delivered at; its retain flag is the delivery's.
    var stored = MessageCodec.toStored(d.message());
    stored = new io.shadowmq.shadow.store.StoredMessage(stored.topic(), stored.payload(), d.qos(), d.retain(),
        stored.properties(), stored.expiresAtMillis(), stored.publisher());
    SharedGroup g = d.group();
    store.saveMessage(clientId, new StoredSessionMessage(entry.seq(), entry.packetId(), entry.released(), stored,
        d.subscriptionIds(), g == null ? null : g.name(), g == null ? null : g.topicFilter()), isNew);
  }

  @Override
  public void deleteMessage(String clientId, long seq) {
    store.deleteMessage(clientId, seq);
  }

  @Override
  public void saveAwaitingRelease(String clientId, int packetId) {
    store.saveAwaitingRelease(clientId, packetId);
  }

  @Override
  public void deleteAwaitingRelease(String clientId, int packetId) {
    store.deleteAwaitingRelease(clientId, packetId);
  }

  @Override
  public Future<List<Entry>> loadMessages(String clientId) {
    return store.loadMessages(clientId).map(rows -> {
      List<Entry> out = new ArrayList<>(rows.size());
      for (StoredSessionMessage r : rows) {
        var m = MessageCodec.fromStored(r.message());
        SharedGroup group = r.shareGroup() == null ? null : tree.sharedGroup(r.shareFilter(), r.shareGroup());
        out.add(new Entry(r.seq(), r.packetId(), r.released(),
            new Delivery(m, r.message().qos(), r.message().retain(), r.subscriptionIds(), group)));
      }
      return out;
    });
  }
}
