package io.reckon.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The files of a command, checked before anything starts: every input a readable regular file, every
 * output a file that can be created or replaced in an existing directory, and no output named twice
 * or also as an input. A replay runs for minutes; finding out at its end that an output cannot be
 * written loses its results, and an output that is also an input (or another output) would overwrite
 * it.
 */
final class CommandFiles {

    private final Map<String, Path> inputs = new LinkedHashMap<>();
    private final Map<String, Path> outputs = new LinkedHashMap<>();

    /** Adds an input file; {@code path} may be null for an input not given. */
    CommandFiles input(String option, Path path) {
        if (path != null) {
            inputs.put(option, path);
        }
        return this;
    }

    /** Adds an output file; {@code path} may be null for an output not asked for. */
    CommandFiles output(String option, Path path) {
        if (path != null) {
            outputs.put(option, path);
        }
        return this;
    }

    /** What is wrong with the files, as one line naming the option, or empty when nothing is. */
    Optional<String> problem() {
        for (Map.Entry<String, Path> in : inputs.entrySet()) {
            Path p = in.getValue();
            if (!Files.exists(p)) {
                return Optional.of(in.getKey() + ": " + p + " does not exist");
            }
            if (!Files.isRegularFile(p)) {
                return Optional.of(in.getKey() + ": " + p + " is not a file");
            }
            if (!Files.isReadable(p)) {
                return Optional.of(in.getKey() + ": cannot read " + p);
            }
        }
        for (Map.Entry<String, Path> out : outputs.entrySet()) {
            Path p = out.getValue();
            if (Files.isDirectory(p)) {
                return Optional.of(out.getKey() + ": " + p + " is a directory, not a file");
            }
            Path dir = p.toAbsolutePath().getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                return Optional.of(out.getKey() + ": the directory of " + p + " does not exist");
            }
            if (!Files.isWritable(dir) || (Files.exists(p) && !Files.isWritable(p))) {
                return Optional.of(out.getKey() + ": cannot write " + p);
            }
        }
        List<Map.Entry<String, Path>> all = new ArrayList<>(inputs.entrySet());
        all.addAll(outputs.entrySet());
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) {
                boolean bothInputs = i < inputs.size() && j < inputs.size();
                if (!bothInputs && same(all.get(i).getValue(), all.get(j).getValue())) {
                    return Optional.of(
                            all.get(i).getKey() + " and " + all.get(j).getKey() + " name the same file, "
                                    + all.get(j).getValue() + ": the replay would overwrite it");
                }
            }
        }
        return Optional.empty();
    }

    /** Whether two paths name one file: the same file on disk, or the same path once made absolute. */
    private static boolean same(Path a, Path b) {
        try {
            if (Files.exists(a) && Files.exists(b)) {
                return Files.isSameFile(a, b);
            }
        } catch (IOException e) {
            // Compared by path below.
        }
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }
}
