package io.reckon.cluster;

import io.reckon.connectors.jdbc.JdbcOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;

/** The jobs' options as a cluster's {@code config.yaml} holds them: the database password in a file, not the file. */
public final class ClusterJobOptions {

    private ClusterJobOptions() {}

    /**
     * The options of {@code conf} as strings, with {@code jdbc.password} moved into {@code secrets/jdbc-password}
     * (mode 0600) under {@code dir} and named by {@code jdbc.password-file}, as the chart mounts it from a Secret.
     */
    public static Map<String, String> of(Configuration conf, Path dir) throws IOException {
        Map<String, String> options = new TreeMap<>(conf.toMap());
        String password = options.remove(JdbcOptions.PASSWORD.key());
        if (password != null) {
            Path secrets = Files.createDirectories(dir.resolve("secrets"));
            Path file = secrets.resolve("jdbc-password");
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, password, StandardCharsets.UTF_8);
            options.put(JdbcOptions.PASSWORD_FILE.key(), file.toAbsolutePath().toString());
        }
        return options;
    }
}
