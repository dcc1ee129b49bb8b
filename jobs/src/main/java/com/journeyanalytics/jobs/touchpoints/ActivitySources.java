package com.journeyanalytics.jobs.touchpoints;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.schema.Silver;
import com.journeyanalytics.common.schema.TableSpec;
import com.journeyanalytics.jobs.sql.SqlFiles;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The cleaned tables activities.sql builds the activities from, and the identifiers each one's
 * rows carry: an activity's subject depends on nothing else (identity.sql). A nightly run that
 * recomputes some subjects keeps, of every table, only the rows carrying one of those subjects'
 * identifiers, before any activity is built.
 */
final class ActivitySources {

  static final String ACCOUNT = "account_id";
  static final String EMAIL = "email_sha256";
  static final String ANONYMOUS = "anonymous_id";

  /** A cleaned table and its identifier columns by kind (ACCOUNT, EMAIL, ANONYMOUS). */
  record Source(TableSpec spec, List<String> accountIds, List<String> emails, List<String> anonymousIds) {

    Map<String, List<String>> columnsByKind() {
      Map<String, List<String>> columns = new LinkedHashMap<>();
      columns.put(ACCOUNT, accountIds);
      columns.put(EMAIL, emails);
      columns.put(ANONYMOUS, anonymousIds);
      return columns;
    }
  }

  static final List<Source> ALL = List.of(
      new Source(Silver.ACCOUNTS, List.of("account_id"), List.of(), List.of()),
      new Source(Silver.ACCOUNT_MILESTONES, List.of("account_id"), List.of(), List.of()),
      new Source(Silver.OPPORTUNITIES, List.of("account_id"), List.of(), List.of()),
      new Source(Silver.INVOICES, List.of("account_id"), List.of(), List.of()),
      new Source(Silver.EVENTS, List.of("account_id"), List.of(), List.of()),
      new Source(Silver.TOUCHES, List.of(), List.of("email_sha256"), List.of("anonymous_id")),
      new Source(Silver.TICKETS, List.of("account_id"), List.of("requester_email_sha256"), List.of()),
      new Source(Silver.SURVEYS, List.of("account_id"), List.of("respondent_email_sha256"), List.of()));

  private ActivitySources() {}

  /** Every source table under its own name (silver_accounts, ...), each read once. */
  static Map<String, Dataset<Row>> read(TableStore staging) {
    Map<String, Dataset<Row>> tables = new HashMap<>();
    ALL.forEach(source -> tables.put(source.spec().name(), staging.readOrEmpty(source.spec())));
    return tables;
  }

  /**
   * (kind, identifier), one row each (checkpointed): every activity of one of {@code customers}
   * (customer_key) carries at least one of them (customer_identifiers.sql). {@code identityMap}
   * is the map the activities are resolved with.
   */
  static Dataset<Row> identifiersOf(Dataset<Row> customers, Dataset<Row> identityMap) {
    Map<String, Dataset<Row>> inputs = new HashMap<>(TouchpointStep.lookups(identityMap));
    inputs.put("customers", customers);
    return SqlFiles.run(customers.sparkSession(), "touchpoints/customer_identifiers.sql", inputs, Map.of())
        .localCheckpoint();
  }

  /** Each of {@code tables} (by name, as {@link #read} gives them) with only its rows carrying one of {@code identifiers}. */
  static Map<String, Dataset<Row>> carrying(Map<String, Dataset<Row>> tables, Dataset<Row> identifiers) {
    Map<String, Dataset<Row>> kept = new HashMap<>();
    ALL.forEach(source -> kept.put(source.spec().name(),
        filterCarrying(tables.get(source.spec().name()), source, identifiers)));
    return kept;
  }

  /**
   * The rows holding one of {@code identifiers} in one of the source's identifier columns. One
   * broadcast left join per column, each with one row per identifier, so no row is repeated.
   */
  static Dataset<Row> filterCarrying(Dataset<Row> rows, Source source, Dataset<Row> identifiers) {
    Dataset<Row> joined = rows;
    Column carries = lit(false);
    int n = 0;
    for (Map.Entry<String, List<String>> kind : source.columnsByKind().entrySet()) {
      for (String column : kind.getValue()) {
        String match = "_carried_by_" + n++;
        Dataset<Row> keys = identifiers.where(col("kind").equalTo(kind.getKey()))
            .select(col("identifier").as(match));
        joined = joined.join(broadcast(keys), joined.col(column).equalTo(keys.col(match)), "left");
        carries = carries.or(col(match).isNotNull());
      }
    }
    return joined.where(carries).select(Arrays.stream(rows.columns()).map(c -> rows.col(c)).toArray(Column[]::new));
  }
}
