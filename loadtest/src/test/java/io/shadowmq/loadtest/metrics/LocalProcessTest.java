package io.shadowmq.loadtest.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class LocalProcessTest {

  @Test
  void readsTheUsedFigureOfG1HeapInfo() {
    String out = """
        12345:
         garbage-first heap   total 262144K, used 20480K [0x0000000700000000, 0x0000000800000000)
          region size 1024K, 3 young (3072K), 0 survivors (0K)
         Metaspace       used 20123K, committed 20480K, reserved 1114112K
        """;
    assertThat(LocalProcess.parseHeapUsed(out)).isEqualTo(20480L * 1024);
  }

  @Test
  void readsResidentMemoryCpuAndHeapOfARealJvm() {
    LocalProcess self = new LocalProcess(ProcessHandle.current().pid());
    assertThat(self.rssBytes()).isGreaterThan(10L * 1024 * 1024);
    assertThat(self.cpuSeconds()).isGreaterThan(0);
    assertThat(self.isJvm()).isTrue();
    assertThat(self.liveHeapBytes()).isGreaterThan(0).isLessThan(Runtime.getRuntime().totalMemory() + 1);
  }

  @Test
  void anUnknownProcessIsRefused() {
    assertThatThrownBy(() -> new LocalProcess(Integer.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
  }
}
