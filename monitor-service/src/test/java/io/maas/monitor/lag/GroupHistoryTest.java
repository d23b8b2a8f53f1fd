package io.maas.monitor.lag;

import static org.assertj.core.api.Assertions.assertThat;

import io.maas.monitor.lag.GroupHistory.Sample;
import org.junit.jupiter.api.Test;

class GroupHistoryTest {

  private static final double WARN = 30;
  private static final long STALL = 60_000;

  @Test
  void anIdleTopicIsOkEvenWhenNobodyConsumesIt() {
    GroupHistory history = new GroupHistory(300_000);
    for (int i = 0; i < 20; i++) {
      history.add(new Sample(i * 10_000L, 500, 0, 0, false));
    }
    assertThat(history.status(WARN, STALL)).isEqualTo(LagStatus.OK);
  }

  @Test
  void recordsWaitingWithoutMembersIsStop() {
    GroupHistory history = new GroupHistory(300_000);
    history.add(new Sample(0, 500, 20, 3, false));
    assertThat(history.status(WARN, STALL)).isEqualTo(LagStatus.STOP);
  }

  @Test
  void membersThatDoNotMoveForTheStallPeriodAreStall() {
    GroupHistory history = new GroupHistory(300_000);
    for (int i = 0; i <= 5; i++) {
      history.add(new Sample(i * 10_000L, 500, 20 + i, i * 10, true));
      assertThat(history.status(WARN, STALL)).isNotEqualTo(LagStatus.STALL);
    }
    history.add(new Sample(60_000, 500, 30, 60, true));
    assertThat(history.status(WARN, STALL)).isEqualTo(LagStatus.STALL);
    history.add(new Sample(70_000, 530, 0, 0, true));
    assertThat(history.status(WARN, STALL)).as("caught up again").isEqualTo(LagStatus.OK);
  }

  @Test
  void progressWithOldRecordsOrAGrowingBacklogWarns() {
    GroupHistory old = new GroupHistory(300_000);
    old.add(new Sample(0, 500, 2_000, 5, true));
    old.add(new Sample(10_000, 900, 2_000, 45, true));
    assertThat(old.status(WARN, STALL)).isEqualTo(LagStatus.WARN);

    GroupHistory growing = new GroupHistory(300_000);
    for (int i = 0; i <= 5; i++) {
      growing.add(new Sample(i * 10_000L, 500 + i * 100, 100 + i * 50, 2, true));
    }
    assertThat(growing.status(WARN, STALL)).isEqualTo(LagStatus.WARN);

    GroupHistory keepingUp = new GroupHistory(300_000);
    for (int i = 0; i <= 5; i++) {
      keepingUp.add(new Sample(i * 10_000L, 500 + i * 100, 40 + (i % 2) * 10, 0.05, true));
    }
    assertThat(keepingUp.status(WARN, STALL)).isEqualTo(LagStatus.OK);
  }
}
