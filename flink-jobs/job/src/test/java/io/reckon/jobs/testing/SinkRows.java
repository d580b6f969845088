package io.reckon.jobs.testing;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The job's PostgreSQL sink tables, for tests that compare what two runs wrote or start over. */
public final class SinkRows {

    /** Every table the reconciliation job writes. */
    public static final List<String> TABLES =
            List.of("anomalies", "anomaly_revisions", "hourly_usage", "unmapped_usage");

    private SinkRows() {}

    /** Empties every sink table. */
    public static void truncate(Statement s) throws Exception {
        s.execute("TRUNCATE " + String.join(", ", TABLES));
    }

    /**
     * Every row of {@code table} as "column=value;" text, all columns but {@code ignored} (those
     * written from the wall clock), sorted so that the order of writes does not matter.
     */
    public static List<String> of(Statement s, String table, Collection<String> ignored) throws Exception {
        List<String> out = new ArrayList<>();
        try (ResultSet r = s.executeQuery("SELECT * FROM " + table)) {
            ResultSetMetaData meta = r.getMetaData();
            while (r.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    String column = meta.getColumnName(i);
                    if (!ignored.contains(column)) {
                        row.append(column).append('=').append(r.getString(i)).append(';');
                    }
                }
                out.add(row.toString());
            }
        }
        out.sort(null);
        return out;
    }
}
