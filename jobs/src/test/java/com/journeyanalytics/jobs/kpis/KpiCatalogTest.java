package com.journeyanalytics.jobs.kpis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class KpiCatalogTest {

  /** Surefire runs in the jobs module; the docs live at the repository root. */
  private static final Path DOCS = Path.of("..", "docs", "kpis.md");

  @Test
  void docsListEveryKpiExactlyAsTheCatalogDefinesIt() throws IOException {
    assertThat(Files.readString(DOCS, StandardCharsets.UTF_8))
        .as("docs/kpis.md is stale: regenerate it with KpiCatalog.main (see the comment at its top)")
        .isEqualTo(KpiCatalog.markdown());
  }

  @Test
  void everyKpiHasAContractUnitAndStartsWithTheOverallBreakdown() {
    assertThat(KpiCatalog.ALL).allSatisfy(kpi -> {
      assertThat(kpi.unit()).isIn(List.of("percent", "count", "currency", "days", "hours", "score"));
      assertThat(kpi.dimensions().get(0)).isEqualTo("all");
      assertThat(kpi.formula()).doesNotContain("|");
    });
    assertThat(KpiCatalog.ALL.stream().map(KpiCatalog.Kpi::name).distinct().count()).isEqualTo(KpiCatalog.ALL.size());
  }
}
