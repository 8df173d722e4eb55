package com.mallquest.local.runner;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The native part of AWS's Lambda runtime interface client ({@code jni/libaws-lambda-jni.<platform>.so} inside its
 * jar), copied to a path of the caller's choosing.
 *
 * <p>Left alone, the client extracts it at start-up to the fixed path {@code /tmp/.libaws-lambda-jni.so}
 * ({@code JniHelper.load}); several function JVMs starting at once on one machine then overwrite the file another
 * one has just mapped, and crash with SIGBUS. The client loads the file named by the system property
 * {@value #PATH_PROPERTY} instead, so each container gets its own copy in its own {@code /tmp}.
 */
final class RuntimeNativeLibrary {

    /** The runtime client's own override of where its native library is loaded from. */
    static final String PATH_PROPERTY = "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";

    private RuntimeNativeLibrary() { }

    /** Copies the library for this machine's platform from the runtime client jar in {@code runtimeLib} to {@code target}. */
    static Path copyTo(Path runtimeLib, Path target) {
        Path jar = clientJar(runtimeLib);
        String entryName = "jni/libaws-lambda-jni." + platform() + ".so";
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry(entryName);
            if (entry == null) {
                throw new IllegalStateException("The runtime client " + jar + " has no " + entryName + " for this platform");
            }
            try (InputStream in = zip.getInputStream(entry)) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy the runtime client's native library from " + jar, e);
        }
    }

    /** {@code linux-x86_64}, {@code linux-aarch_64}, or their {@code linux_musl-} forms (the names in the jar). */
    static String platform() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String cpu = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch_64";
            default -> throw new IllegalStateException("AWS's runtime client has no native library for " + arch);
        };
        return (musl() ? "linux_musl-" : "linux-") + cpu;
    }

    private static boolean musl() {
        try (DirectoryStream<Path> loaders = Files.newDirectoryStream(Path.of("/lib"), "ld-musl-*")) {
            return loaders.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }

    private static Path clientJar(Path runtimeLib) {
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(runtimeLib, "aws-lambda-java-runtime-interface-client-*.jar")) {
            for (Path jar : jars) {
                return jar;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + runtimeLib, e);
        }
        throw new IllegalStateException("No aws-lambda-java-runtime-interface-client jar in " + runtimeLib);
    }
}
