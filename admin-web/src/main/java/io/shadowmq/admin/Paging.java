package io.shadowmq.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Cursor paging of id-ordered lists: {@code ?limit=} (1 to 1000, default 100) and
 * {@code ?cursor=}, an opaque token naming the last item of the previous page. A page is
 * {@code {"items": [...], "nextCursor": "..."}}, without {@code nextCursor} on the last page.
 */
final class Paging {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  private Paging() {
  }

  static int limit(RoutingContext ctx) {
    String v = ctx.queryParams().get("limit");
    if (v == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= 1 && n <= MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw ApiError.invalidField("limit", "must be a whole number from 1 to " + MAX_LIMIT);
  }

  /** The id after which the page starts, or null for the first page. */
  static String after(RoutingContext ctx) {
    String cursor = ctx.queryParams().get("cursor");
    if (cursor == null || cursor.isEmpty()) {
      return null;
    }
    try {
      return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiError.invalidField("cursor", "is not a cursor this API gave out");
    }
  }

  static String cursorAfter(String id) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(id.getBytes(StandardCharsets.UTF_8));
  }

  /** A page of items; {@code lastId} is the id of its last item when more follow, else null. */
  static JsonObject page(List<JsonObject> items, String lastId) {
    JsonObject page = new JsonObject().put("items", new JsonArray(List.copyOf(items)));
    if (lastId != null) {
      page.put("nextCursor", cursorAfter(lastId));
    }
    return page;
  }
}
