package com.journeyanalytics.jobs.ingest;

import com.journeyanalytics.common.Hashing;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Replaces anything that looks like an email address in free text (a quarantined raw line, a
 * survey comment) by {@code email:<sha256 of the normalized address>}, the same hash the tables
 * use, so no raw address reaches the BI-facing database and the person can still be matched.
 */
public final class EmailMasking {

  private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");

  private static final UserDefinedFunction MASK =
      functions.udf((UDF1<String, String>) EmailMasking::mask, DataTypes.StringType);

  private EmailMasking() {}

  public static Column masked(Column text) {
    return functions.when(text.isNull(), functions.lit(null)).otherwise(MASK.apply(text));
  }

  public static String mask(String text) {
    if (text == null) {
      return null;
    }
    Matcher matcher = EMAIL.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      matcher.appendReplacement(out, Matcher.quoteReplacement("email:" + Hashing.sha256Hex(matcher.group().trim().toLowerCase(Locale.ROOT))));
    }
    matcher.appendTail(out);
    return out.toString();
  }

}
