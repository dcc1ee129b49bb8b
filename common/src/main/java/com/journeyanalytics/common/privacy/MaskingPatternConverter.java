package com.journeyanalytics.common.privacy;

import java.util.List;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.logging.log4j.core.pattern.ConverterKeys;
import org.apache.logging.log4j.core.pattern.LogEventPatternConverter;
import org.apache.logging.log4j.core.pattern.PatternConverter;
import org.apache.logging.log4j.core.pattern.PatternFormatter;

/**
 * Log layout {@code %maskEmails{pattern}}: formats the nested pattern (message, stack trace) and
 * masks every address in it with {@link EmailMasking#forLogs()}, so a log line never shows one,
 * whatever Spark, Hive or an exception put into it. Used by conf/log4j2-local.properties.
 */
@Plugin(name = "maskEmails", category = PatternConverter.CATEGORY)
@ConverterKeys({"maskEmails"})
public final class MaskingPatternConverter extends LogEventPatternConverter {

  private final List<PatternFormatter> formatters;

  private MaskingPatternConverter(List<PatternFormatter> formatters) {
    super("maskEmails", "maskEmails");
    this.formatters = formatters;
  }

  /** Called by log4j with the pattern's options: exactly one, the nested pattern. */
  public static MaskingPatternConverter newInstance(Configuration config, String[] options) {
    if (options == null || options.length != 1) {
      throw new IllegalArgumentException("%maskEmails needs one nested pattern, e.g. %maskEmails{%m%n%ex}");
    }
    return new MaskingPatternConverter(PatternLayout.createPatternParser(config).parse(options[0]));
  }

  @Override
  public void format(LogEvent event, StringBuilder toAppendTo) {
    StringBuilder text = new StringBuilder();
    for (PatternFormatter formatter : formatters) {
      formatter.format(event, text);
    }
    toAppendTo.append(EmailMasking.forLogs().mask(text.toString()));
  }

  /** True when the nested pattern prints the stack trace: then the layout does not print it again unmasked. */
  @Override
  public boolean handlesThrowable() {
    return formatters.stream().anyMatch(PatternFormatter::handlesThrowable);
  }
}
