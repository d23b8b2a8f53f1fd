package io.maas.inference.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The loader's thread goes to nice 19, and only that thread: the caller and the rest of the JVM keep theirs. */
class NicenessTest {

  @Test
  void lowersTheCallingThreadOnly() throws Exception {
    assumeTrue(Files.isSymbolicLink(Path.of("/proc/thread-self")), "a Linux /proc");
    int mine = Niceness.ofCurrentThread();
    CompletableFuture<int[]> other = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                String why = Niceness.lowerCurrentThread();
                assertThat(why).isNull();
                int lowered = Niceness.ofCurrentThread();
                // a thread it starts inherits the value
                CompletableFuture<Integer> child = new CompletableFuture<>();
                Thread started =
                    new Thread(
                        () -> {
                          try {
                            child.complete(Niceness.ofCurrentThread());
                          } catch (Exception e) {
                            child.completeExceptionally(e);
                          }
                        });
                started.start();
                other.complete(new int[] {lowered, child.get(10, TimeUnit.SECONDS)});
              } catch (Throwable e) {
                other.completeExceptionally(e);
              }
            });
    thread.start();
    int[] niceness = other.get(30, TimeUnit.SECONDS);
    assertThat(niceness[0]).isEqualTo(Niceness.BACKGROUND);
    assertThat(niceness[1]).isEqualTo(Niceness.BACKGROUND);
    assertThat(Niceness.ofCurrentThread()).isEqualTo(mine);
  }
}
