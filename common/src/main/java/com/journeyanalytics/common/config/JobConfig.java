package com.journeyanalytics.common.config;

import com.journeyanalytics.common.Hashing;
import com.journeyanalytics.common.schema.InputContract;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import java.io.File;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The whole configuration, loaded once and bound into immutable records. Layers, last wins:
 * reference.conf (the documented defaults in conf/), the --conf file, then command-line and
 * environment overrides. Any bad value fails here, before anything is read or written.
 */
public record JobConfig(
    String exports,
    String warehouse,
    String database,
    String storeDatabase,
    String stagingDatabase,
    String metastoreUris,
    String derbyMetastorePath,
    String localMaster,
    Map<String, String> sparkConf,
    String reportingCurrency,
    Map<String, BigDecimal> fxRates,
    int futureToleranceDays,
    int ingestParallelDatasets,
    Map<String, DatasetConfig> datasets,
    QualitySettings quality,
    StageModel stages,
    TouchpointSettings touchpoints,
    JourneySettings journeys,
    AttributionSettings attribution,
    OperationsSettings operations,
    KpiSettings kpis,
    PrivacySettings privacy,
    String configSha256) {

  public static final String ROOT = "journey";

  /** Loads reference.conf, then {@code confFile} (may be null), then {@code overrides} (keys under journey.). */
  public static JobConfig load(File confFile, Map<String, String> overrides) {
    Config config;
    try {
      Config layered = ConfigFactory.defaultReference();
      if (confFile != null) {
        if (!confFile.isFile()) {
          throw new InvalidConfigException("--conf " + confFile + ": no such file");
        }
        layered = ConfigFactory.parseFile(confFile, ConfigParseOptions.defaults().setAllowMissing(false))
            .withFallback(layered);
      }
      config = ConfigFactory.parseMap(overrides, "command line and environment").withFallback(layered).resolve();
    } catch (ConfigException e) {
      throw new InvalidConfigException("configuration: " + e.getMessage(), e);
    }
    return from(config);
  }

  public static JobConfig from(Config config) {
    ConfigReader j = new ConfigReader(config, "").section(ROOT);
    Map<String, DatasetConfig> datasets = new LinkedHashMap<>();
    ConfigReader ds = j.section("datasets");
    for (InputContract.Dataset contract : InputContract.ALL) {
      datasets.put(contract.name(), DatasetConfig.from(contract, ds.section(contract.name())));
    }
    PrivacySettings privacy = PrivacySettings.from(j.section("privacy"));
    Map<String, BigDecimal> fx = j.decimalMap("fx-rates");
    String currency = j.nonBlank("reporting-currency");
    if (!fx.containsKey(currency) || fx.get(currency).compareTo(BigDecimal.ONE) != 0) {
      throw j.bad("fx-rates", "must hold the reporting currency " + currency + " with rate 1");
    }
    fx.forEach((code, rate) -> {
      if (rate.signum() <= 0) {
        throw j.bad("fx-rates." + code, "must be positive");
      }
    });
    String database = identifier(j, "database");
    String store = j.string("store-database").isBlank() ? database + "_store" : identifier(j, "store-database");
    String staging = identifier(j, "staging-database");
    if (store.equals(database) || staging.equals(database) || staging.equals(store)) {
      throw j.bad("store-database", "database, store-database and staging-database must be three different "
          + "databases (" + database + ", " + store + ", " + staging + ")");
    }
    return new JobConfig(
        j.nonBlank("exports"),
        j.nonBlank("warehouse"),
        database,
        store,
        staging,
        j.string("metastore.uris"),
        j.string("metastore.derby-path"),
        j.string("spark.local-master"),
        j.stringMap("spark.conf"),
        currency,
        Map.copyOf(fx),
        j.intBetween("future-tolerance-days", 0, 365),
        j.intBetween("ingest.parallel-datasets", 1, 64),
        java.util.Collections.unmodifiableMap(datasets),
        QualitySettings.from(j.section("quality")),
        StageModel.from(j.section("stages")),
        TouchpointSettings.from(j.section("touchpoints")),
        JourneySettings.from(j.section("journeys")),
        AttributionSettings.from(j.section("attribution")),
        OperationsSettings.from(j),
        KpiSettings.from(j.section("kpis")),
        privacy,
        Hashing.sha256Hex(withoutKey(config.getConfig(ROOT), privacy).root().render(ConfigRenderOptions.concise())));
  }

  public DatasetConfig dataset(String name) {
    DatasetConfig dataset = datasets.get(name);
    if (dataset == null) {
      throw new IllegalArgumentException("unknown dataset " + name);
    }
    return dataset;
  }

  /**
   * The configuration as hashed into pipeline_runs.config_sha256: the key itself is replaced by
   * the hash of a fixed text under it, which changes with the key but does not reveal it.
   */
  private static Config withoutKey(Config journey, PrivacySettings privacy) {
    String fingerprint = privacy.hashKey() == null ? "" : privacy.masking().hash("journey configuration fingerprint");
    return journey.withValue("privacy.hash-key", ConfigValueFactory.fromAnyRef(fingerprint));
  }

  private static String identifier(ConfigReader j, String key) {
    String value = j.nonBlank(key);
    if (!value.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw j.bad(key, "'" + value + "' is not a valid database name (letters, digits, _)");
    }
    return value;
  }

}
