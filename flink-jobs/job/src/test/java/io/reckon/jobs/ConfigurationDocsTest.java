package io.reckon.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.description.HtmlFormatter;
import org.apache.flink.util.TimeUtils;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md lists every option with its type, default and description, as declared by
 * the ConfigOption constants; an option added or changed without the docs fails here. The failure
 * message holds the table as it should be.
 */
class ConfigurationDocsTest {

    static final Path DOC = Path.of("..", "..", "docs", "configuration.md");

    @Test
    void configurationDocListsEveryOptionWithItsTypeDefaultAndDescription() throws Exception {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        List<String> expected = expectedTables();
        List<String> missing = expected.stream()
                .filter(line -> line.startsWith("| `") && !doc.contains(line))
                .toList();

        assertThat(missing)
                .as("rows missing or out of date in %s; the tables should read:%n%s", DOC, String.join("\n", expected))
                .isEmpty();
        assertThat(ReckonConfiguration.options()).hasSizeGreaterThan(20);
    }

    static List<String> expectedTables() {
        List<String> lines = new ArrayList<>();
        for (Class<?> c : ReckonConfiguration.OPTION_CLASSES) {
            lines.add("### " + c.getSimpleName());
            lines.add("");
            lines.add("| Key | Type | Default | Environment override | Description |");
            lines.add("|---|---|---|---|---|");
            for (ConfigOption<?> o : ReckonConfiguration.optionsOf(c)) {
                lines.add("| `" + o.key() + "` | "
                        + ReckonConfiguration.typeName(o).replaceFirst("^an? ", "")
                        + " | " + defaultText(o) + " | `" + ReckonConfiguration.envName(o.key()) + "` | "
                        + description(o) + " |");
            }
            lines.add("");
        }
        return lines;
    }

    private static String defaultText(ConfigOption<?> o) {
        if (!o.hasDefaultValue()) {
            return "(none)";
        }
        Object d = o.defaultValue();
        String text = d instanceof Duration duration ? TimeUtils.formatWithHighestUnit(duration) : String.valueOf(d);
        return text.isEmpty() ? "(empty)" : "`" + text + "`";
    }

    private static String description(ConfigOption<?> o) {
        return new HtmlFormatter()
                .format(o.description())
                .replace("&#39;", "'")
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
                .replace("|", "\\|")
                .replace("\n", " ");
    }
}
