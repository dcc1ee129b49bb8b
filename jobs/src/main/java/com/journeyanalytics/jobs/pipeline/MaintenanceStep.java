package com.journeyanalytics.jobs.pipeline;

import com.journeyanalytics.common.delta.TableStore;
import io.delta.tables.DeltaTable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Table maintenance (mode maintenance): OPTIMIZE compacts every Delta table of both databases,
 * rewriting only the partitions that hold several small files (what nights' merges add), then
 * purges the deleted rows still marked in deletion vectors ({@link TableStore#purgeDeletedRows}),
 * then VACUUM deletes the data files that left the tables more than
 * journey.maintenance.vacuum-retention-hours ago. So it costs what the nights since the last
 * maintenance changed, not the size of the tables. None of it changes a row, so a published view
 * is moved to the compacted version at once; a table with versions a failed night wrote after
 * the published one is compacted but not vacuumed, so the published version keeps its files.
 *
 * <p>No Z-ordering: Delta's ZORDER BY rewrites every partition on every run, even one already in
 * one file, and a touchpoints day (far below the 1 GB target file size) comes out as one file
 * spanning every customer_key, so it bought no data skipping for its cost.
 *
 * <p>Reported in pipeline_runs.output_rows per table (staging tables as {@code <db>.<table>}):
 * {@code <table>.files_before}, {@code .bytes_before}, {@code .files_after}, {@code .bytes_after}
 * (files and bytes of the table's current version, before OPTIMIZE and after VACUUM).
 */
public final class MaintenanceStep implements Step {

  private static final Logger LOG = LoggerFactory.getLogger(MaintenanceStep.class);

  @Override
  public String name() {
    return "maintenance";
  }

  @Override
  public StepResult run(RunContext ctx) {
    int retentionHours = ctx.config().operations().vacuumRetentionHours();
    Map<String, Long> output = new TreeMap<>();
    Map<String, Publisher.Pin> pins = Publisher.publishedPins(ctx.spark(), ctx.config().database());
    for (TableStore store : List.of(ctx.tables(), ctx.staging())) {
      for (String table : store.tableNames()) {
        String label = ctx.versionKey(store, table);
        DeltaTable delta = DeltaTable.forPath(ctx.spark(), store.location(table));
        Publisher.Pin pin = store == ctx.tables() ? pins.get(table) : null;
        long latest = store.version(table);
        // A failed night left versions readers do not see: the published one must keep its files.
        boolean unpublishedWrites = pin != null && pin.version() != latest;
        Size before = size(delta);
        delta.optimize().executeCompaction();
        store.purgeDeletedRows(table);
        if (unpublishedWrites) {
          LOG.warn("maintenance {}: not vacuumed, readers see version {} and a run that failed wrote up to {}; the "
              + "next published night allows it again", label, pin.version(), latest);
        } else {
          delta.vacuum(retentionHours);
          long compacted = store.version(table);
          if (pin != null && compacted != pin.version()) {
            // Compaction changed files, not rows: readers move to the compacted version at once.
            Publisher.repin(ctx.spark(), ctx.config(), store, table, compacted, pin.runId());
          }
        }
        Size after = size(delta);
        output.put(label + ".files_before", before.files());
        output.put(label + ".bytes_before", before.bytes());
        output.put(label + ".files_after", after.files());
        output.put(label + ".bytes_after", after.bytes());
        LOG.info("maintenance {}: {} files ({} bytes) -> {} files ({} bytes)", label, before.files(), before.bytes(),
            after.files(), after.bytes());
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
