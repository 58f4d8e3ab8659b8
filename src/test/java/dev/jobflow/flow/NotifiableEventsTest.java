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

  @Test
  void everyEventIsTaggedForTheAuditTrailAndForItsShardOnlyWhenShardTagsAreOn() {
    FlowDefinition flow = GoldenFilesTest.definition();
    FlowEvent accepted = new FlowEvent.FlowAccepted(GoldenFilesTest.META, flow);
    FlowEvent started = new FlowEvent.FlowDeleted(GoldenFilesTest.META);
    String byName = FlowTags.name(flow.namespace(), flow.name());
    EngineSettings off = EngineSettings.defaults("w/1");
    assertEquals(0, off.tagShards(), "no shard tags by default: nothing reads them and each costs a row per event");
    assertEquals(Set.of(FlowTags.ALL, byName, FlowTags.NOTIFY), FlowTags.of(accepted, off.shardTag(flow.uid())));
    assertEquals(Set.of(FlowTags.ALL), FlowTags.of(started, off.shardTag(flow.uid())));
    EngineSettings four = new EngineSettings(100, 2, "w/1", 4, off.createMinBackoff(), off.createMaxBackoff(), null);
    String shard = four.shardTag(flow.uid());
    assertEquals(FlowTags.ALL + "-" + Math.floorMod(flow.uid().hashCode(), 4), shard);
    assertEquals(Set.of(FlowTags.ALL, shard, byName, FlowTags.NOTIFY), FlowTags.of(accepted, shard));
    assertEquals(Set.of(FlowTags.ALL, shard), FlowTags.of(started, shard));
  }
}
