package io.shadowmq.shadow.service;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SerialStepsTest {
  private final SerialSteps steps = new SerialSteps();

  @Test
  void aStepStartsOnlyWhenThePreviousOneHasCompleted() {
    List<String> log = new ArrayList<>();
    Promise<Void> first = Promise.promise();
    steps.run(() -> {
      log.add("first started");
      return first.future();
    });
    Future<Void> second = steps.run(() -> {
      log.add("second started");
      return Future.succeededFuture();
    });
    assertThat(log).containsExactly("first started");
    first.complete();
    assertThat(log).containsExactly("first started", "second started");
    assertThat(second.succeeded()).isTrue();
  }

  @Test
  void aFailedStepDoesNotStopTheOnesAfterIt() {
    Future<Void> failed = steps.run(() -> Future.failedFuture("broken"));
    Future<Void> thrown = steps.run(() -> {
      throw new IllegalStateException("thrown");
    });
    Future<String> after = steps.run(() -> Future.succeededFuture("ran"));
    assertThat(failed.failed()).isTrue();
    assertThat(thrown.cause()).hasMessage("thrown");
    assertThat(after.result()).isEqualTo("ran");
  }

  @Test
  void aHundredThousandStepsThatCompleteAtOnceRunInOrderWithoutDeepeningTheStack() {
    Promise<Void> gate = Promise.promise();
    steps.run(gate::future);
    List<Integer> order = new ArrayList<>();
    List<Future<Integer>> all = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      int n = i;
      all.add(steps.run(() -> {
        order.add(n);
        return Future.succeededFuture(n);
      }));
    }
    gate.complete(); // runs them all, here
    assertThat(order).hasSize(100_000);
    for (int i = 0; i < order.size(); i++) {
      assertThat(order.get(i)).isEqualTo(i);
    }
    assertThat(all).allMatch(Future::succeeded);
  }

  @Test
  void aStepQueuedByACompletingStepRunsAfterIt() {
    List<String> log = new ArrayList<>();
    Promise<Void> gate = Promise.promise();
    steps.run(gate::future);
    steps.run(() -> Future.succeededFuture("a")).onSuccess(v -> {
      log.add("a done");
      steps.run(() -> {
        log.add("c");
        return Future.succeededFuture();
      });
    });
    steps.run(() -> {
      log.add("b");
      return Future.succeededFuture();
    });
    gate.complete();
    assertThat(log).containsExactly("a done", "b", "c");
  }
}
