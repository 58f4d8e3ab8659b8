package dev.jobflow.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializers;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

/** Akka's Jackson serialization and fabric8's YAML parsing work side by side on the one Jackson we pin. */
class JacksonAlignmentTest {

  record Probe(String text, int number) implements java.io.Serializable {
    @JsonCreator
    Probe(@JsonProperty("text") String text, @JsonProperty("number") int number) {
      this.text = text;
      this.number = number;
    }
  }

  @Test
  void akkaCborAndFabric8YamlInOneJvm() throws Exception {
    var config = ConfigFactory.parseString("""
        akka.actor.serialization-bindings { "dev.jobflow.api.JacksonAlignmentTest$Probe" = jackson-cbor }
        akka.actor.provider = local
        """).withFallback(ConfigFactory.load());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "jackson", config);
    try {
      var serialization = SerializationExtension.get(system);
      Probe probe = new Probe("hello", 42);
      var serializer = serialization.findSerializerFor(probe);
      byte[] bytes = serializer.toBinary(probe);
      Object back = serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, probe)).get();
      assertEquals(probe, back);
    } finally {
      system.terminate();
    }

    JobFlow flow = JobFlowYaml.read("""
        apiVersion: jobflow.dev/v1alpha1
        kind: JobFlow
        metadata: {name: probe}
        spec:
          steps:
            - name: a
              template: {template: {spec: {containers: [{name: main, image: busybox}]}}}
        """);
    assertEquals("a", flow.getSpec().getSteps().get(0).getName());
    assertEquals("busybox", flow.getSpec().getSteps().get(0).getTemplate().getTemplate().getSpec().getContainers().get(0).getImage());
  }
}
