package com.journeyanalytics.jobs.journeys;

import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.jobs.sql.SqlFiles;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The conversion_drivers rows: what converted subjects did, or were, more often than the others.
 * The per-factor counts are SQL (sql/journeys/conversion_driver_counts.sql); the statistics are
 * computed on the driver over those few rows (one per factor, DriverStatistics), in factor order,
 * so the Benjamini-Hochberg step sees every factor of the run and ties fall the same way each time.
 */
final class ConversionDrivers {

  /** The table's columns but run_id, which the step adds. */
  static final StructType ROWS = new StructType(Arrays.stream(JourneyTables.CONVERSION_DRIVERS.schema().fields())
      .filter(field -> !field.name().equals(TableStore.RUN_ID)).toArray(StructField[]::new));

  private ConversionDrivers() {}

  /** The table's rows for {@code snapshotDate}: counts of factors held by at least {@code minSubjects}, with their statistics. */
  static Dataset<Row> conversionDrivers(Dataset<Row> facts, Dataset<Row> journeys, Dataset<Row> dimensions,
      int minSubjects, LocalDate snapshotDate) {
    Dataset<Row> counts = SqlFiles.run(facts.sparkSession(), "journeys/conversion_driver_counts.sql",
        Map.of("facts", facts, "journeys", journeys, "dimensions", dimensions), Map.of("min_subjects", minSubjects));
    List<Row> factors = counts.orderBy("factor_kind", "factor").collectAsList();

    int n = factors.size();
    double[] p = new double[n];
    List<DriverStatistics.OddsRatio> ratios = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Row f = factors.get(i);
      long a = f.<Long>getAs("converted_with");
      long b = f.<Long>getAs("subjects_with") - a;
      long c = f.<Long>getAs("converted_without");
      long d = f.<Long>getAs("subjects_without") - c;
      ratios.add(DriverStatistics.oddsRatio(a, b, c, d));
      p[i] = DriverStatistics.fisherExactP(a, b, c, d);
    }
    double[] q = DriverStatistics.benjaminiHochberg(p);

    Date date = Date.valueOf(snapshotDate);
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Row f = factors.get(i);
      DriverStatistics.OddsRatio ratio = ratios.get(i);
      rows.add(RowFactory.create(date, f.getAs("factor_kind"), f.getAs("factor"),
          f.getAs("subjects_with"), f.getAs("converted_with"), f.getAs("subjects_without"), f.getAs("converted_without"),
          f.getAs("conversion_rate_with"), f.getAs("conversion_rate_without"),
          ratio.estimate(), ratio.ciLow(), ratio.ciHigh(), p[i], q[i]));
    }
    return facts.sparkSession().createDataFrame(rows, ROWS);
  }
}
