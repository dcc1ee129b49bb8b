package com.journeyanalytics.jobs.pipeline;

import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.schema.Touchpoints;
import io.delta.tables.DeltaTable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Table maintenance (mode maintenance): OPTIMIZE compacts every Delta table of both databases
 * into fewer, larger files (touchpoints also Z-ordered by customer_key, the column BI queries and
 * every step filter or join on), then VACUUM deletes the data files that left the tables more
 * than journey.maintenance.vacuum-retention-hours ago. Neither changes a row.
 *
 * <p>Reported in pipeline_runs.output_rows per table (staging tables as {@code <db>.<table>}):
 * {@code <table>.files_before}, {@code .bytes_before}, {@code .files_after}, {@code .bytes_after}
 * (files and bytes of the table's current version, before OPTIMIZE and after VACUUM).
 */
public final class MaintenanceStep implements Step {

  private static final Logger LOG = LoggerFactory.getLogger(MaintenanceStep.class);

  /** Tables Z-ordered by a column instead of plainly compacted. */
  static final Map<String, String> ZORDER = Map.of(Touchpoints.SPEC.name(), "customer_key");

  @Override
  public String name() {
    return "maintenance";
  }

  @Override
  public StepResult run(RunContext ctx) {
    int retentionHours = ctx.config().operations().vacuumRetentionHours();
    Map<String, Long> output = new TreeMap<>();
    for (TableStore store : List.of(ctx.tables(), ctx.staging())) {
      for (String table : store.tableNames()) {
        String label = store == ctx.staging() ? store.database() + "." + table : table;
        DeltaTable delta = DeltaTable.forPath(ctx.spark(), store.location(table));
        Size before = size(delta);
        String zorder = store == ctx.tables() ? ZORDER.get(table) : null;
        if (zorder != null) {
          delta.optimize().executeZOrderBy(zorder);
        } else {
          delta.optimize().executeCompaction();
        }
        delta.vacuum(retentionHours);
        Size after = size(delta);
        output.put(label + ".files_before", before.files());
        output.put(label + ".bytes_before", before.bytes());
        output.put(label + ".files_after", after.files());
        output.put(label + ".bytes_after", after.bytes());
        LOG.info("maintenance {}: {} files ({} bytes) -> {} files ({} bytes){}", label, before.files(), before.bytes(),
            after.files(), after.bytes(), zorder == null ? "" : ", z-ordered by " + zorder);
      }
    }
    return new StepResult(List.of(), List.of(), Map.of(), Map.of(), output);
  }

  private record Size(long files, long bytes) {}

  private static Size size(DeltaTable delta) {
    Row detail = delta.detail().select("numFiles", "sizeInBytes").first();
    return new Size(detail.getLong(0), detail.getLong(1));
  }
}
