package io.shadowmq.loadtest.scenario;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PayloadsTest {

  @Test
  void senderSequenceTimeAndTheMeasuredMarkReadBackAsWritten() {
    Buffer counted = Payloads.encode(1234, 99L, 5_000_000_123L, true, 64);
    assertThat(counted.length()).isEqualTo(64);
    assertThat(Payloads.valid(counted)).isTrue();
    assertThat(Payloads.sender(counted)).isEqualTo(1234);
    assertThat(Payloads.measured(counted)).isTrue();
    assertThat(Payloads.seq(counted)).isEqualTo(99L);
    assertThat(Payloads.sendNanos(counted)).isEqualTo(5_000_000_123L);

    Buffer warmUp = Payloads.encode(Integer.MAX_VALUE, 0L, -7L, false, 0);
    assertThat(warmUp.length()).isEqualTo(Payloads.HEADER);
    assertThat(Payloads.sender(warmUp)).isEqualTo(Integer.MAX_VALUE);
    assertThat(Payloads.measured(warmUp)).isFalse();
    assertThat(Payloads.sendNanos(warmUp)).isEqualTo(-7L);
  }

  @Test
  void shorterThanTheHeaderIsNotABenchmarkPayload() {
    assertThat(Payloads.valid(Buffer.buffer(new byte[Payloads.HEADER - 1]))).isFalse();
  }
}
