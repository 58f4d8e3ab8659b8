package dev.jobflow.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.NotifySink;
import dev.jobflow.notify.CloudEvent;
import dev.jobflow.notify.CloudEvents;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The notifier reads only events tagged {@link FlowTags#NOTIFY}: the tag and the mapping to CloudEvents must agree on
 * every event type (one sample of each, from the golden files' samples), or a notification is never read.
 */
class NotifiableEventsTest {
  @Test
  void exactlyTheEventsThatAreNotificationsCarryTheNotifyTag() {
    FlowDefinition flow = GoldenFilesTest.definition();
    Set<String> names = new TreeSet<>();
    for (Map.Entry<String, Object> sample : GoldenFilesTest.samples().entrySet()) {
      if (!(sample.getValue() instanceof FlowEvent event)) {
        continue;
      }
      var note = CloudEvents.of("JobFlow|" + flow.uid(), 1, flow, event);
      boolean tagged = FlowTags.of(event, "shard-1").contains(FlowTags.NOTIFY);
      assertEquals(note.isPresent(), tagged, sample.getKey());
      assertEquals(tagged, FlowTags.notifiable(event), sample.getKey());
      note.map(CloudEvent::event).ifPresent(names::add);
    }
    assertEquals(new TreeSet<>(NotifySink.EVENTS), names, "every event a sink may ask for is sent for some event");
    assertTrue(FlowTags.of(new FlowEvent.FlowAccepted(GoldenFilesTest.META, flow), "s").contains(FlowTags.ALL));
  }
}
