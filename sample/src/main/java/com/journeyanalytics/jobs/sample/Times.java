package com.journeyanalytics.jobs.sample;

/** Fast ISO-8601 rendering of epoch seconds and epoch days (the generator formats millions). */
final class Times {

  static final long DAY = 86_400L;

  private Times() {}

  /** 2026-11-20T09:14:03Z */
  static String utc(long epochSecond) {
    StringBuilder b = new StringBuilder(20);
    appendLocal(b, epochSecond);
    return b.append('Z').toString();
  }

  /** The same instant as local time at the given offset in hours, e.g. 2026-11-20T10:14:03+01:00. */
  static String withOffset(long epochSecond, int offsetHours) {
    StringBuilder b = new StringBuilder(25);
    appendLocal(b, epochSecond + offsetHours * 3600L);
    b.append(offsetHours < 0 ? '-' : '+');
    pad2(b, Math.abs(offsetHours));
    return b.append(":00").toString();
  }

  /** The UTC wall time without any offset (which the contract reads as UTC). */
  static String noOffset(long epochSecond) {
    StringBuilder b = new StringBuilder(19);
    appendLocal(b, epochSecond);
    return b.toString();
  }

  static String date(long epochDay) {
    StringBuilder b = new StringBuilder(10);
    appendDate(b, epochDay);
    return b.toString();
  }

  private static void appendLocal(StringBuilder b, long epochSecond) {
    long day = Math.floorDiv(epochSecond, DAY);
    int secs = (int) Math.floorMod(epochSecond, DAY);
    appendDate(b, day);
    b.append('T');
    pad2(b, secs / 3600);
    b.append(':');
    pad2(b, secs / 60 % 60);
    b.append(':');
    pad2(b, secs % 60);
  }

  /** Civil date from days since 1970-01-01 (H. Hinnant's algorithm). */
  private static void appendDate(StringBuilder b, long epochDay) {
    long z = epochDay + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long doe = z - era * 146_097;
    long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2) {
      y++;
    }
    b.append(y).append('-');
    pad2(b, (int) m);
    b.append('-');
    pad2(b, (int) d);
  }

  private static void pad2(StringBuilder b, int v) {
    if (v < 10) {
      b.append('0');
    }
    b.append(v);
  }
}
