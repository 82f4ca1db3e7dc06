package dev.cairn.runtime;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * A JDK Flight Recorder event for slow or risky engine work ({@link dev.cairn.spi.EngineEvent}):
 * committed by {@link EngineEvents} for every event at or over the store's threshold, after the
 * work ended. The work's own duration is a field ({@code workDuration}): engines report work once
 * it is done, so the event itself is instant.
 */
@Name(EngineWorkEvent.NAME)
@Label("Cairn engine work")
@Category({"Cairn", "Engine"})
@Description("An fsync, roll, flush, compaction, stall, checkpoint or recovery of a Cairn store")
@StackTrace(false)
final class EngineWorkEvent extends jdk.jfr.Event {

  /** The event's name in recordings. */
  static final String NAME = "dev.cairn.EngineWork";

  @Label("Engine")
  String engine;

  @Label("Store")
  String store;

  @Label("Kind")
  String kind;

  @Label("Work Duration")
  @Timespan(Timespan.NANOSECONDS)
  long workDuration;

  @Label("Bytes")
  @DataAmount(DataAmount.BYTES)
  long bytes;

  @Label("Detail")
  String detail;

  @Label("Request Id")
  String requestId;
}
