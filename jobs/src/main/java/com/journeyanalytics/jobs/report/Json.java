package com.journeyanalytics.jobs.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The report's inline data as JSON (Jackson), safe inside an HTML {@code <script>} element:
 * {@code <}, {@code >}, {@code &} and the line separators JavaScript treats as line ends are
 * written as {@code \\u} escapes, so no {@code </script>} or {@code <!--} can appear in it. A
 * double that is not a number is written null (JSON has no NaN), a whole one without a fraction;
 * map keys are sorted, so the same data gives the same text.
 */
final class Json {

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .registerModule(new SimpleModule().addSerializer(Double.class, new DoubleSerializer()))
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  static {
    MAPPER.getFactory().setCharacterEscapes(new ScriptSafeEscapes());
  }

  private Json() {}

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final class ScriptSafeEscapes extends CharacterEscapes {
    private static final SerializableString LINE_SEPARATOR = new SerializedString("\\u2028");
    private static final SerializableString PARAGRAPH_SEPARATOR = new SerializedString("\\u2029");
    private final int[] ascii = standardAsciiEscapesForJSON();

    ScriptSafeEscapes() {
      ascii['<'] = ESCAPE_STANDARD;
      ascii['>'] = ESCAPE_STANDARD;
      ascii['&'] = ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      return switch (ch) {
        case 0x2028 -> LINE_SEPARATOR;
        case 0x2029 -> PARAGRAPH_SEPARATOR;
        default -> null;
      };
    }
  }

  private static final class DoubleSerializer extends StdSerializer<Double> {
    DoubleSerializer() {
      super(Double.class);
    }

    @Override
    public void serialize(Double value, JsonGenerator out, SerializerProvider provider) throws IOException {
      double d = value;
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        out.writeNull();
      } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
        out.writeNumber((long) d);
      } else {
        out.writeNumber(d);
      }
    }
  }
}
