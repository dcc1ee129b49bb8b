package com.journeyanalytics.common.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The one command-line style of every entry point (picocli): {@code --help} prints the usage on
 * stdout and exits 0; a usage error prints {@code NAME: reason} and the synopsis on stderr and
 * exits 2 (a command's own checks throw {@link CommandLine.ParameterException} to get the same);
 * any other status is the command's. Output goes to the streams given, so tests need no System.exit.
 */
public final class Cli {

  private Cli() {}

  /** Parses {@code args} into {@code command}, runs it and returns the exit status. */
  public static int execute(Object command, String[] args, PrintStream out, PrintStream err) {
    CommandLine cli = new CommandLine(command);
    // As the hand-written parsers did: a repeated option's last value wins, and @ is no file reference.
    cli.setOverwrittenOptionsAllowed(true);
    cli.setExpandAtFiles(false);
    // Wide enough that option descriptions (env and config names) do not break mid-name.
    cli.setUsageHelpWidth(100);
    PrintWriter outWriter = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    PrintWriter errWriter = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    cli.setOut(outWriter);
    cli.setErr(errWriter);
    cli.setParameterExceptionHandler((e, arguments) -> {
      CommandLine failed = e.getCommandLine();
      PrintWriter w = failed.getErr();
      w.println(failed.getCommandName() + ": " + e.getMessage());
      CommandLine.Help help = failed.getHelp();
      w.print(help.synopsisHeading() + help.synopsis(help.synopsisHeadingLength()));
      w.println("Try '" + failed.getCommandName() + " --help' for more information.");
      w.flush();
      return failed.getCommandSpec().exitCodeOnInvalidInput();
    });
    try {
      return cli.execute(args);
    } finally {
      outWriter.flush();
      errWriter.flush();
    }
  }

  /** YYYY-MM-DD, with an error that says so. */
  public static final class DateConverter implements ITypeConverter<LocalDate> {
    @Override
    public LocalDate convert(String value) {
      try {
        return LocalDate.parse(value);
      } catch (DateTimeParseException e) {
        throw new TypeConversionException("'" + value + "' is not a date YYYY-MM-DD");
      }
    }
  }

  /** --version: the project version the build wrote into journey-version.properties. */
  public static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"journey-analytics " + version()};
    }
  }

  /** The project version, "unknown" when the build's properties file is missing. */
  public static String version() {
    return resourceProperty("/journey-version.properties", "version", "unknown");
  }

  /**
   * A property of a properties file on the classpath (written by the build), {@code absent} when
   * the file, the property or its filtering (a value still reading {@code ${...}}) is missing.
   */
  public static String resourceProperty(String resource, String key, String absent) {
    try (InputStream in = Cli.class.getResourceAsStream(resource)) {
      Properties properties = new Properties();
      if (in != null) {
        properties.load(in);
      }
      String value = properties.getProperty(key, "");
      return value.isBlank() || value.startsWith("${") ? absent : value;
    } catch (IOException e) {
      return absent;
    }
  }
}
