package io.shadowmq.admin;

import io.shadowmq.shadow.port.ClientDirectory;
import io.vertx.ext.web.Router;

/** {@code /api/v1/clients}: the clients connected to this node (any client id, devices or not), and kicking one. */
final class ClientRoutes {
  private final ClientDirectory clients;

  ClientRoutes(ClientDirectory clients) {
    this.clients = clients;
  }

  void mount(Router r) {
    r.get("/clients").respond(ctx -> {
      int limit = Paging.limit(ctx);
      return clients.list(Paging.after(ctx), ctx.queryParams().get("prefix"), limit + 1).map(found -> {
        boolean more = found.size() > limit;
        var shown = more ? found.subList(0, limit) : found;
        return Paging.page(shown.stream().map(ClientView::of).toList(), more ? shown.get(limit - 1).id() : null);
      });
    });
    r.delete("/clients/:id").handler(ctx -> clients.kick(ctx.pathParam("id")).onSuccess(kicked -> {
      if (kicked) {
        ctx.response().setStatusCode(204).end();
      } else {
        ctx.fail(ApiError.notFound("client_not_connected", "no client " + ctx.pathParam("id") + " is connected"));
      }
    }).onFailure(ctx::fail));
  }
}
