package dev.hookline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/hookline} itself, run by bash: it hands {@code JAVA_OPTS} to the JVM and the rest to the
 * jar. The jar here is a stand-in that prints what it was given, beside a copy of the launcher.
 */
class LauncherTest {
    @TempDir
    Path root;

    /** The stand-in jar's main class: prints the system property the test sets and the arguments. */
    public static final class ShowJvm {
        public static void main(String[] args) {
            System.out.println("probe=" + System.getProperty("hookline.probe") + " args=" + String.join(",", args));
        }
    }

    @Test
    void javaOptsReachTheJvmAsSeparateOptions() throws Exception {
        Path bin = Files.createDirectories(root.resolve("bin"));
        Files.copy(Path.of("..", "bin", "hookline"), bin.resolve("hookline"));
        Files.setPosixFilePermissions(bin.resolve("hookline"), PosixFilePermissions.fromString("rwxr-xr-x"));
        writeJar(Files.createDirectories(root.resolve("hookline-server/target")).resolve("hookline.jar"));

        ProcessBuilder pb = new ProcessBuilder("bash", bin.resolve("hookline").toString(), "serve", "--port", "1")
                .redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("JAVA_OPTS", "-Dhookline.probe=seen -Xmx64m");
        Process p = pb.start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes());
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("probe=seen args=serve,--port,1");
    }

    private static void writeJar(Path jar) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, ShowJvm.class.getName());
        String entry = ShowJvm.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
             InputStream cls = ShowJvm.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            cls.transferTo(out);
            out.closeEntry();
        }
    }
}
