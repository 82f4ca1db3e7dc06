package dev.cairn.conformance.crash;

import dev.cairn.spi.StorageEngineProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The child process of the kill test: opens a store on the real file system with the named provider
 * and runs a seeded workload forever, appending {@code ACK <step>} to its acknowledgement file
 * after each step is acknowledged ({@code CONFLICT <step>} after a conditional batch refused for a
 * failed precondition, {@code FAIL <step>} after a step that failed), until its parent kills it
 * with SIGKILL.
 *
 * <p>Arguments: the provider's class name (public, with a public no-argument constructor), the
 * store directory, the workload seed, the number of steps to skip (already run by an earlier
 * child), the file acknowledgements are appended to, then any engine settings as {@code
 * name=value}. The acknowledgement file is the protocol; this is a program, not library code.
 */
public final class KillChild {

  private KillChild() {}

  /**
   * Runs the child.
   *
   * @param args provider class, directory, seed, steps to skip, acknowledgement file, settings
   * @throws Exception if the provider cannot be made or the store fails: the parent sees the exit
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> settings = new LinkedHashMap<>();
    for (int i = 5; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      settings.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    StorageEngineProvider provider =
        WithSettings.of(
            (StorageEngineProvider) Class.forName(args[0]).getDeclaredConstructor().newInstance(),
            settings);
    Path dir = Path.of(args[1]);
    long seed = Long.parseLong(args[2]);
    int skip = Integer.parseInt(args[3]);
    OutputStream out =
        Files.newOutputStream(
            Path.of(args[4]), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    Workload w = new Workload(seed, ProcessKillCampaign.shape(provider));
    for (int i = 0; i < skip; i++) {
      w.next();
    }
    StoreSession session = new StoreSession(provider, dir, new Oracle());
    session.startsOnAnUnknownStore();
    if (!session.open()) {
      throw new IllegalStateException("the store did not open: " + session.violation());
    }
    line(out, "READY");
    while (true) {
      Op op = w.next();
      if (!session.apply(op)) {
        throw new IllegalStateException("step " + op + " failed: " + session.violation());
      }
      line(
          out,
          (session.lastAcked() ? "ACK " : session.lastConflict() ? "CONFLICT " : "FAIL ")
              + op.step());
      // Idle a little, as applications do between writes, so that kills also land between
      // operations and not only inside the slow ones (a SYNC write waits for the disk).
      Thread.sleep(1);
    }
  }

  private static void line(OutputStream out, String line) throws IOException {
    out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }
}
