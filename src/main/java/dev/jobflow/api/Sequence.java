package dev.jobflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Min;

/** A step's {@code withSequence}: the numbers its instances get as {@code {{item}}}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"count", "start", "end", "format"})
public class Sequence {
  @Min(0)
  @JsonPropertyDescription("How many numbers, from start (default 0). Not together with end.")
  private Long count;

  @JsonPropertyDescription("The first number (default 0).")
  private Long start;

  @JsonPropertyDescription("The last number, inclusive (below start: counting down). Not together with count.")
  private Long end;

  @JsonPropertyDescription("A printf-style format of each number, e.g. 'shard-%03d'; without it, the item is the number.")
  private String format;

  public Sequence() {}

  public Sequence(Long count, Long start, Long end, String format) {
    this.count = count;
    this.start = start;
    this.end = end;
    this.format = format;
  }

  public Long getCount() { return count; }
  public void setCount(Long count) { this.count = count; }
  public Long getStart() { return start; }
  public void setStart(Long start) { this.start = start; }
  public Long getEnd() { return end; }
  public void setEnd(Long end) { this.end = end; }
  public String getFormat() { return format; }
  public void setFormat(String format) { this.format = format; }
}
