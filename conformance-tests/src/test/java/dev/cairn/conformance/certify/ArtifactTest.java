package dev.cairn.conformance.certify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ArtifactTest {

  @Test
  void aFileIsHashedWithSha256() throws Exception {
    Path file = Files.createTempFile("artifact", ".jar");
    try {
      Files.writeString(file, "abc", StandardCharsets.US_ASCII);
      // FIPS 180-2, appendix B.1: SHA-256("abc").
      assertEquals(
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
          Artifact.sha256(file));
    } finally {
      Files.delete(file);
    }
  }

  @Test
  void aClassFromADirectoryHasALocationAndNoHash() {
    // The suite's own classes are in target/classes while its tests run.
    Artifact a = Artifact.of(Certification.class);
    assertTrue(a.location().filter(Files::isDirectory).isPresent(), a.toString());
    assertEquals(Optional.empty(), a.sha256());
  }

  @Test
  void aClassFromAJarIsHashed() {
    // JUnit's own API is a jar on the module path.
    Artifact a = Artifact.of(Test.class);
    Path jar = a.location().orElseThrow();
    assertTrue(Files.isRegularFile(jar) && jar.toString().endsWith(".jar"), a.toString());
    assertEquals(Optional.of(Artifact.sha256(jar)), a.sha256());
    assertTrue(a.sha256().orElseThrow().matches("[0-9a-f]{64}"), a.toString());
  }

  @Test
  void aJdkClassHasNoFileLocation() {
    // java.base lives in the runtime image (jrt:), not in a file.
    assertEquals(new Artifact(Optional.empty(), Optional.empty()), Artifact.of(String.class));
  }
}
