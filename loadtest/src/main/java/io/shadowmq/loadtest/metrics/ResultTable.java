package io.shadowmq.loadtest.metrics;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Prints results as a plain-text table: one result, or several side by side with the ratio to the first. */
public final class ResultTable {
  private static final Set<String> HIDDEN = Set.of("histograms", "broker", "expectedPerSent", "workers", "skipped",
      "scenario", "lastError", "skipReason", "windowStartNanos", "windowEndNanos");

  private ResultTable() {
  }

  /** One result. */
  public static String render(JsonObject result) {
    return render(List.of(result.getString("broker") == null ? "value" : result.getString("broker")), List.of(result));
  }

  /**
   * Several results of the same scenario, one column each, and for two results a column with the
   * second divided by the first.
   */
  public static String render(List<String> names, List<JsonObject> results) {
    List<Map<String, Object>> flat = new ArrayList<>();
    Set<String> keys = new LinkedHashSet<>();
    for (JsonObject r : results) {
      Map<String, Object> f = new LinkedHashMap<>();
      flatten("", r, f);
      flat.add(f);
      keys.addAll(f.keySet());
    }
    List<String[]> rows = new ArrayList<>();
    List<String> header = new ArrayList<>();
    header.add(results.get(0).getString("scenario", "result"));
    header.addAll(names);
    boolean ratio = results.size() == 2;
    if (ratio) {
      header.add(names.get(1) + "/" + names.get(0));
    }
    rows.add(header.toArray(new String[0]));
    for (String k : keys) {
      List<String> row = new ArrayList<>();
      row.add(k);
      for (Map<String, Object> f : flat) {
        row.add(format(f.get(k)));
      }
      if (ratio) {
        row.add(ratio(flat.get(0).get(k), flat.get(1).get(k)));
      }
      rows.add(row.toArray(new String[0]));
    }
    int cols = header.size();
    int[] width = new int[cols];
    for (String[] r : rows) {
      for (int i = 0; i < cols; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int n = 0; n < rows.size(); n++) {
      String[] r = rows.get(n);
      for (int i = 0; i < cols; i++) {
        String cell = i == 0 ? pad(r[i], width[i]) : lpad(r[i], width[i]);
        sb.append(i == 0 ? "" : "  ").append(cell);
      }
      sb.append('\n');
      if (n == 0) {
        sb.append("-".repeat(java.util.Arrays.stream(width).sum() + 2 * (cols - 1))).append('\n');
      }
    }
    for (JsonObject r : results) {
      if (r.getBoolean("skipped", false)) {
        sb.append("skipped: ").append(r.getString("skipReason")).append('\n');
      }
    }
    return sb.toString();
  }

  private static void flatten(String prefix, JsonObject j, Map<String, Object> out) {
    for (Map.Entry<String, Object> e : j) {
      if (prefix.isEmpty() && HIDDEN.contains(e.getKey())) {
        continue;
      }
      String key = prefix.isEmpty() || prefix.equals("extra.") ? e.getKey() : prefix + e.getKey();
      if (prefix.isEmpty() && e.getKey().equals("extra")) {
        key = "extra.";
      }
      if (e.getValue() instanceof JsonObject o) {
        flatten(key.equals("extra.") ? "extra." : key + ".", o, out);
      } else if (e.getValue() != null) {
        out.put(key, e.getValue());
      }
    }
  }

  static String format(Object v) {
    if (v == null) {
      return "-";
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      return d == Math.rint(d) && Math.abs(d) >= 100 ? String.format(Locale.ROOT, "%,d", (long) d)
          : String.format(Locale.ROOT, "%,.2f", d);
    }
    if (v instanceof Number n) {
      return String.format(Locale.ROOT, "%,d", n.longValue());
    }
    return String.valueOf(v);
  }

  static String ratio(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y && x.doubleValue() != 0) {
      return String.format(Locale.ROOT, "%.2fx", y.doubleValue() / x.doubleValue());
    }
    return "-";
  }

  private static String pad(String s, int w) {
    return s + " ".repeat(w - s.length());
  }

  private static String lpad(String s, int w) {
    return " ".repeat(w - s.length()) + s;
  }
}
