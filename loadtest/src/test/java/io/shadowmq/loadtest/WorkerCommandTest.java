package io.shadowmq.loadtest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(10)
class WorkerCommandTest {

  @Test
  void workersGetTheScenarioOptionsButNotTheCoordinatorsOnes() {
    List<String> cmd = WorkerPool.workerCommand(List.of("--port", "1883", "--workers", "3", "--json=out.json",
        "--broker-pid", "42", "--clients", "100"), "connect", 1, 3, "abc123");
    int main = cmd.indexOf(LoadTest.class.getName());
    assertThat(main).isPositive();
    assertThat(cmd.subList(main + 1, cmd.size())).containsExactly("connect", "--port", "1883", "--clients", "100",
        "--worker-index", "1", "--worker-count", "3", "--run-id", "abc123");
  }
}
