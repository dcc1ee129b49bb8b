package com.journeyanalytics.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.common.testing.SparkTestSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SqlQueryTest {

  @Test
  void printsCsvWithAHeaderQuotingWhereNeededAndNestedValuesAsJson() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    SqlQuery.printCsv(SparkTestSession.get().sql(
        "SELECT 'a,b' AS name, CAST(NULL AS STRING) AS empty, array('x', 'y') AS path, map('score', '9') AS features,"
            + " named_struct('n', 1) AS s, TIMESTAMP'2026-11-20 08:00:00' AS at, 'say \"hi\"' AS quote"),
        new PrintStream(bytes, true, StandardCharsets.UTF_8));

    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(
        "name,empty,path,features,s,at,quote\n"
            + "\"a,b\",,\"[\"\"x\"\",\"\"y\"\"]\",\"{\"\"score\"\":\"\"9\"\"}\",\"{\"\"n\"\":1}\",2026-11-20 08:00:00,\"say \"\"hi\"\"\"\n");
  }
}
