package io.shadowmq.loadtest.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a local process's resident memory and CPU time from /proc (the broker's, the load
 * generator's), and for a JVM its live
 * heap after a full GC through {@code jcmd}.
 */
public final class LocalProcess {
  private static final Pattern HEAP_USED = Pattern.compile("total\\s+\\d+K,\\s+used\\s+(\\d+)K");
  private static final long CLOCK_TICKS = 100;

  private final long pid;

  public LocalProcess(long pid) {
    this.pid = pid;
    if (!Files.isDirectory(Path.of("/proc/" + pid))) {
      throw new IllegalArgumentException("no process " + pid + " on this machine");
    }
  }

  public long pid() {
    return pid;
  }

  /** Resident set size in bytes (VmRSS). */
  public long rssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
      throw new IllegalStateException("no VmRSS for process " + pid);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/" + pid + "/status: " + e.getMessage(), e);
    }
  }

  /** User plus system CPU time in seconds. */
  public double cpuSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // The command name (field 2) may contain spaces: count fields after its closing parenthesis.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      return ticks / (double) CLOCK_TICKS;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/" + pid + "/stat: " + e.getMessage(), e);
    }
  }

  /** Whether the process is a Java virtual machine (so that jcmd can ask it for its heap). */
  public boolean isJvm() {
    try {
      String cmd = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8);
      String exe = Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe")).toString();
      return exe.contains("java") || cmd.split("\0", 2)[0].endsWith("java");
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** Live heap in bytes: a full GC first ({@code jcmd PID GC.run}), then {@code GC.heap_info}. */
  public long liveHeapBytes() {
    jcmd("GC.run");
    return parseHeapUsed(jcmd("GC.heap_info"));
  }

  /** The "used" figure of the heap summary line of {@code jcmd PID GC.heap_info}, in bytes. */
  public static long parseHeapUsed(String heapInfo) {
    Matcher m = HEAP_USED.matcher(heapInfo);
    if (!m.find()) {
      throw new IllegalStateException("no heap usage in jcmd output: " + heapInfo);
    }
    return Long.parseLong(m.group(1)) * 1024;
  }

  private String jcmd(String command) {
    try {
      Process p = new ProcessBuilder(List.of("jcmd", Long.toString(pid), command)).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("jcmd " + command + " did not finish in 60 s");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("jcmd " + command + " failed: " + new String(out, StandardCharsets.UTF_8));
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run jcmd: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
