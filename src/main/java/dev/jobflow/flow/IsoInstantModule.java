package dev.jobflow.flow;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads the instants of stored events and snapshots ({@code 2026-11-23T08:00:00.123456789Z}, as {@link Instant#toString}
 * writes them) without {@code DateTimeFormatter}: Jackson's own reader parsed them at a few microseconds each, 38 % of
 * the actor threads' samples while a 100,000-instance flow recovered from its snapshot (three instants per step).
 * Anything else (an offset, a year past 9999, a lower-case letter, an invalid date, a number) goes to Jackson's
 * {@link InstantDeserializer}, which then reads or refuses it as before. Registered for Akka's Jackson serializers in
 * {@code conf/application.conf} ({@code akka.serialization.jackson.jackson-modules}), after the JavaTimeModule.
 */
public final class IsoInstantModule extends SimpleModule {
  public IsoInstantModule() {
    super("jobflow-iso-instant");
    addDeserializer(Instant.class, new Reader(InstantDeserializer.INSTANT, true));
  }

  static final class Reader extends StdDeserializer<Instant> implements ContextualDeserializer {
    private final JsonDeserializer<Instant> jackson;
    /** False where a property has its own format: then Jackson's reader reads it all. */
    private final boolean fast;

    Reader(JsonDeserializer<Instant> jackson, boolean fast) {
      super(Instant.class);
      this.jackson = jackson;
      this.fast = fast;
    }

    boolean fast() {
      return fast;
    }

    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (fast && p.hasToken(JsonToken.VALUE_STRING)) {
        Instant parsed = parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
        if (parsed != null) {
          return parsed;
        }
      }
      return jackson.deserialize(p, ctxt);
    }

    @Override
    @SuppressWarnings("unchecked")
    public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property)
        throws JsonMappingException {
      JsonDeserializer<Instant> contextual = jackson instanceof ContextualDeserializer c
          ? (JsonDeserializer<Instant>) c.createContextual(ctxt, property) : jackson;
      return contextual == jackson ? this : new Reader(contextual, false);
    }
  }

  /**
   * {@code yyyy-MM-ddTHH:mm:ss[.f…]Z} with 1 to 9 fraction digits, or null for anything else (Jackson's reader decides
   * then).
   */
  static Instant parse(char[] c, int off, int len) {
    if (len < 20 || len > 30 || len == 21 || c[off + len - 1] != 'Z' || c[off + 4] != '-' || c[off + 7] != '-'
        || c[off + 10] != 'T' || c[off + 13] != ':' || c[off + 16] != ':') {
      return null;
    }
    int year = digits(c, off, 4);
    int month = digits(c, off + 5, 2);
    int day = digits(c, off + 8, 2);
    int hour = digits(c, off + 11, 2);
    int minute = digits(c, off + 14, 2);
    int second = digits(c, off + 17, 2);
    if ((year | month | day | hour | minute | second) < 0 || hour > 23 || minute > 59 || second > 59) {
      return null;
    }
    int nanos = 0;
    if (len > 20) {
      if (c[off + 19] != '.') {
        return null;
      }
      int fraction = len - 21;
      nanos = digits(c, off + 20, fraction);
      if (nanos < 0) {
        return null;
      }
      for (int i = fraction; i < 9; i++) {
        nanos *= 10;
      }
    }
    long day0;
    try {
      day0 = LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException e) {
      return null;
    }
    return Instant.ofEpochSecond(day0 * 86_400 + hour * 3_600 + minute * 60 + second, nanos);
  }

  /** The value of {@code n} decimal digits, or -1 if one is not a digit. */
  private static int digits(char[] c, int from, int n) {
    int value = 0;
    for (int i = from; i < from + n; i++) {
      int d = c[i] - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      value = value * 10 + d;
    }
    return value;
  }
}
