package io.shadowmq.broker.ports;

import io.shadowmq.broker.codec.ReasonCode;
import io.shadowmq.broker.methods.MethodCalls;
import io.shadowmq.broker.session.Session;
import io.shadowmq.broker.session.SessionRegistry;
import io.shadowmq.shadow.port.ClientDirectory;
import io.shadowmq.shadow.port.ConnectedClient;
import io.shadowmq.shadow.port.DeviceGateway;
import io.shadowmq.shadow.port.MethodCall;
import io.shadowmq.shadow.port.MethodResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;


/**
 * The connected clients of this node, for the admin API: who is connected and how, a disconnect,
 * and direct method calls on devices. Reads the session registry; sessions' state is touched only
 * on their own loops.
 */
public final class ConnectedClients implements ClientDirectory, DeviceGateway {
  private static final String KICKED = "disconnected by an administrator";

  private final SessionRegistry sessions;
  private final MethodCalls methods;

  public ConnectedClients(SessionRegistry sessions, MethodCalls methods) {
    this.sessions = sessions;
    this.methods = methods;
  }

  @Override
  public Future<ConnectedClient> connection(String deviceId) {
    return Future.succeededFuture(describe(deviceId));
  }

  @Override
  public Future<List<ConnectedClient>> list(String after, String prefix, int limit) {
    NavigableSet<String> ids = sessions.connectedIds();
    String from = after;
    if (prefix != null && (from == null || from.compareTo(prefix) < 0)) {
      ids = ids.tailSet(prefix, true);
      from = null;
    }
    if (from != null) {
      ids = ids.tailSet(from, false);
    }
    List<ConnectedClient> out = new ArrayList<>(Math.min(limit, 256));
    for (String id : ids) {
      if (out.size() >= limit || (prefix != null && !id.startsWith(prefix))) {
        break;
      }
      ConnectedClient c = describe(id);
      if (c != null) { // else it left meanwhile
        out.add(c);
      }
    }
    return Future.succeededFuture(out);
  }

  @Override
  public NavigableSet<String> connectedIds() {
    return sessions.connectedIds();
  }

  @Override
  public Future<Boolean> kick(String id) {
    return onCaller(sessions.disconnect(id, ReasonCode.ADMINISTRATIVE_ACTION, KICKED));
  }

  @Override
  public Future<MethodResult> invoke(MethodCall call) {
    return methods.invoke(call);
  }

  @Override
  public Future<Boolean> disconnect(String deviceId) {
    return kick(deviceId);
  }

  private ConnectedClient describe(String id) {
    Session s = sessions.get(id);
    Session.Attachment a = s == null ? null : s.attachment();
    if (a == null) {
      return null;
    }
    return new ConnectedClient(id, a.address(), protocol(a.protocolLevel()), a.listener(),
        Instant.ofEpochMilli(a.sinceMillis()), s.subscriptionCount());
  }

  private static String protocol(int level) {
    return switch (level) {
      case 3 -> "mqtt-3.1";
      case 5 -> "mqtt-5";
      default -> "mqtt-3.1.1";
    };
  }

  /** The future, completed on the calling context (sessions answer on their own loops). */
  private static <T> Future<T> onCaller(Future<T> f) {
    Context caller = Vertx.currentContext();
    if (caller == null) {
      return f;
    }
    Promise<T> p = Promise.promise();
    f.onComplete(ar -> caller.runOnContext(v -> p.handle(ar)));
    return p.future();
  }
}
