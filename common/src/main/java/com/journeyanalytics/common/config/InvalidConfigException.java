package com.journeyanalytics.common.config;

/** A configuration value that cannot be used; the message names the key. Exit status 2. */
public final class InvalidConfigException extends RuntimeException {
  public InvalidConfigException(String message) {
    super(message);
  }

  public InvalidConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
