package com.journeyanalytics.common.cli;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options of every command that opens a warehouse (a picocli mixin): {@code --warehouse},
 * {@code --conf} and {@code --spark-conf}, with the environment fallbacks JOURNEY_WAREHOUSE and
 * JOURNEY_CONF (an option wins over its variable).
 */
public final class WarehouseOptions {

  @Spec(Spec.Target.MIXEE)
  private CommandSpec spec;

  @Option(names = "--warehouse", paramLabel = "URI",
      description = "warehouse root (env JOURNEY_WAREHOUSE; config journey.warehouse)")
  private String warehouse;

  @Option(names = "--conf", paramLabel = "FILE", description = "HOCON file layered over the defaults (env JOURNEY_CONF)")
  private File conf;

  @Option(names = "--spark-conf", paramLabel = "KEY=VALUE",
      description = "Spark or Hadoop setting for the session (repeatable)")
  private Map<String, String> sparkConf = new LinkedHashMap<>();

  /** --warehouse, else JOURNEY_WAREHOUSE; null when neither is set (the configured one applies). */
  public String warehouse(Map<String, String> env) {
    return warehouse != null ? warehouse : env.get("JOURNEY_WAREHOUSE");
  }

  /** --conf, else JOURNEY_CONF; null when neither is set. */
  public File conf(Map<String, String> env) {
    return conf != null ? conf : env.get("JOURNEY_CONF") == null ? null : new File(env.get("JOURNEY_CONF"));
  }

  /** The --spark-conf settings; an empty key is a usage error. */
  public Map<String, String> sparkConf() {
    if (sparkConf.containsKey("")) {
      throw new ParameterException(spec.commandLine(), "--spark-conf expects KEY=VALUE, got an empty KEY");
    }
    return Map.copyOf(sparkConf);
  }
}
