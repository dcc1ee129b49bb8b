package com.journeyanalytics.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabasesConfigTest {

  @Test
  void theStoreDatabaseFollowsTheJourneyDatabaseUnlessNamed() {
    JobConfig renamed = JobConfig.load(null, Map.of("journey.database", "analytics"));
    JobConfig named = JobConfig.load(null, Map.of("journey.store-database", "tables"));

    assertThat(JobConfig.load(null, Map.of()).storeDatabase()).isEqualTo("journey_store");
    assertThat(renamed.storeDatabase()).isEqualTo("analytics_store");
    assertThat(named.storeDatabase()).isEqualTo("tables");
  }

  @Test
  void aStoreDatabaseThatIsAlsoTheJourneyDatabaseFailsNamingTheKey() {
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("journey.store-database", "journey")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("journey.store-database");
  }

  @Test
  void aStoreDatabaseThatIsNotAnIdentifierFailsNamingTheKey() {
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("journey.store-database", "my-store")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("journey.store-database");
  }
}
