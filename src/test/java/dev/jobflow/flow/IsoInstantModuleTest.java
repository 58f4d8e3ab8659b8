package dev.jobflow.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.serialization.jackson.JacksonObjectMapperProvider;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.typesafe.config.ConfigFactory;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fast instant reader gives what Jackson's gives, for every text; and Akka's serializers use it. */
class IsoInstantModuleTest {
  record Stamped(Instant at, String name) {}

  private static final ObjectMapper JACKSON = JsonMapper.builder().addModule(new JavaTimeModule()).build();
  private static final ObjectMapper FAST = JsonMapper.builder().addModule(new JavaTimeModule())
      .addModule(new IsoInstantModule()).build();

  private static Instant parse(String text) {
    return IsoInstantModule.parse(text.toCharArray(), 0, text.length());
  }

  @Test
  void everyInstantAsToStringWritesItReadsBackEqual() {
    SplittableRandom random = new SplittableRandom(42);
    long min = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 200_000; i++) {
      int nanos = switch (i % 4) {
        case 0 -> 0;
        case 1 -> random.nextInt(1000) * 1_000_000;
        case 2 -> random.nextInt(1_000_000) * 1_000;
        default -> random.nextInt(1_000_000_000);
      };
      Instant t = Instant.ofEpochSecond(random.nextLong(min, max + 1), nanos);
      assertEquals(t, parse(t.toString()), t.toString());
    }
    assertEquals(Instant.parse("2026-02-28T23:59:59.5Z"), parse("2026-02-28T23:59:59.5Z"));
    assertEquals(Instant.parse("2024-02-29T00:00:00.12345Z"), parse("2024-02-29T00:00:00.12345Z"));
  }

  @Test
  void whatItDoesNotKnowItLeavesToJackson() throws Exception {
    for (String text : List.of("2026-11-23T08:00:00+01:00", "+10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z",
        "2026-11-23t08:00:00z", "2026-11-23T08:00:00.Z", "2026-11-23T08:00:60Z", "2026-11-23T08:00Z",
        "2026-11-23T08:00:00.1234567891Z", "2026-11-23 08:00:00Z", "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z",
        "2026-11-23T24:00:00Z", "２０２６-11-23T08:00:00Z")) {
      assertNull(parse(text), text);
      String json = "{\"at\":\"" + text + "\",\"name\":\"x\"}";
      Optional<Instant> expected = read(JACKSON, json);
      assertEquals(expected, read(FAST, json), text);
    }
    assertEquals(read(JACKSON, "{\"at\":1700000000.123456789}"), read(FAST, "{\"at\":1700000000.123456789}"));
    assertThrows(JsonMappingException.class, () -> FAST.readValue("{\"at\":\"yesterday\"}", Stamped.class));
  }

  private static Optional<Instant> read(ObjectMapper mapper, String json) {
    try {
      return Optional.of(mapper.readValue(json, Stamped.class).at());
    } catch (Exception refused) {
      return Optional.empty();
    }
  }

  @Test
  void akkasSerializerOfEventsAndSnapshotsReadsInstantsWithIt() throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "iso-instant", ConfigFactory.load());
    try {
      ObjectMapper cbor = JacksonObjectMapperProvider.get(system).getOrCreate("jackson-cbor", Optional.empty());
      DefaultDeserializationContext context = ((DefaultDeserializationContext) cbor.getDeserializationContext())
          .createInstance(cbor.getDeserializationConfig(), null, cbor.getInjectableValues());
      var reader = context.findRootValueDeserializer(cbor.constructType(Instant.class));
      assertInstanceOf(IsoInstantModule.Reader.class, reader);
      var bean = (com.fasterxml.jackson.databind.deser.BeanDeserializerBase) context.findRootValueDeserializer(
          cbor.constructType(Stamped.class));
      var property = assertInstanceOf(IsoInstantModule.Reader.class, bean.findProperty("at").getValueDeserializer());
      assertTrue(property.fast(), "an instant property without a format of its own is read the fast way");
      Stamped stamped = new Stamped(Instant.parse("2026-11-23T08:00:00.123456789Z"), "x");
      assertEquals(stamped, cbor.readValue(cbor.writeValueAsBytes(stamped), Stamped.class));
    } finally {
      system.terminate();
    }
  }
}
