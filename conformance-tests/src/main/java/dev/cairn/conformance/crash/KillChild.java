package dev.cairn.conformance.crash;

import dev.cairn.spi.StorageEngineProvider;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The child process of the kill test: opens a store on the real file system with the named provider
 * and runs a seeded workload forever, printing {@code ACK <step>} on its standard output after each
 * step is acknowledged, until its parent kills it with SIGKILL.
 *
 * <p>Arguments: the provider's class name (public, with a public no-argument constructor), the
 * store directory, the workload seed, the number of steps to skip (already run by an earlier
 * child). Standard output is the protocol; this is a program, not library code.
 */
public final class KillChild {

  private KillChild() {}

  /**
   * Runs the child.
   *
   * @param args provider class, directory, seed, steps to skip
   * @throws Exception if the provider cannot be made or the store fails: the parent sees the exit
   */
  public static void main(String[] args) throws Exception {
    StorageEngineProvider provider =
        (StorageEngineProvider) Class.forName(args[0]).getDeclaredConstructor().newInstance();
    Path dir = Path.of(args[1]);
    long seed = Long.parseLong(args[2]);
    int skip = Integer.parseInt(args[3]);
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.US_ASCII);
    Workload w = new Workload(seed, ProcessKillCampaign.shape(provider));
    for (int i = 0; i < skip; i++) {
      w.next();
    }
    StoreSession session = new StoreSession(provider, dir, new Oracle());
    if (!session.open()) {
      throw new IllegalStateException("the store did not open: " + session.violation());
    }
    out.println("READY");
    out.flush();
    while (true) {
      Op op = w.next();
      if (!session.apply(op)) {
        throw new IllegalStateException("step " + op + " failed: " + session.violation());
      }
      out.println((session.lastAcked() ? "ACK " : "FAIL ") + op.step());
      out.flush();
      // Idle a little, as applications do between writes, so that kills also land between
      // operations and not only inside the slow ones (a SYNC write waits for the disk).
      Thread.sleep(1);
    }
  }
}
