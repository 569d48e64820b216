package dev.imgsearch.ingest;

import dev.imgsearch.schemas.avro.ImageEvent;
import dev.imgsearch.schemas.avro.ImageEventType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * De-duplication and ordering decisions per image id. Pure: the state lives in a Kafka Streams
 * store, this class only decides.
 *
 * <ul>
 *   <li>No remembered state (or state older than the TTL) → {@link Decision#EMIT}.
 *   <li>Both the remembered and the incoming event carry MinIO sequencers and the incoming one is
 *       older → {@link Decision#STALE}: a reordered, late notification must not undo a newer change
 *       (a late create must not resurrect a deleted image).
 *   <li>Same type, eTag and version id as the last emitted event → {@link Decision#DUPLICATE} (the
 *       same object version notified again, or the claim-check write's own notification).
 *   <li>The permanent deletion of one version ({@code s3:ObjectRemoved:Delete} with a version id)
 *       that is not the live version (the last CREATED emitted for the id) → {@link
 *       Decision#NONCURRENT_DELETE}: the live image stays. The live version is remembered past the
 *       TTL ({@link #purgeable}). A delete marker, an unversioned delete, the deletion of the live
 *       version, or one with no live version known → a delete as usual.
 *   <li>Otherwise → {@link Decision#EMIT}.
 * </ul>
 */
public final class Dedup {
  private Dedup() {}

  public enum Decision {
    EMIT,
    DUPLICATE,
    STALE,
    /** The permanent deletion of a version that is not the live one: the live image stays. */
    NONCURRENT_DELETE
  }

  /** What the store remembers about the last emitted event of one image id. */
  public record State(
      String type, String etag, String versionId, String sequencer, long seenAtMillis) {}

  public static Decision decide(
      State previous, ImageEvent incoming, String sequencer, long nowMillis, Duration ttl) {
    return decide(previous, incoming, sequencer, nowMillis, ttl, false);
  }

  /**
   * @param versionDelete whether {@code incoming} is the permanent deletion of one version ({@code
   *     s3:ObjectRemoved:Delete} with a version id), as opposed to an unversioned delete or a
   *     delete marker
   */
  public static Decision decide(
      State previous,
      ImageEvent incoming,
      String sequencer,
      long nowMillis,
      Duration ttl,
      boolean versionDelete) {
    boolean fresh = previous != null && !expired(previous, nowMillis, ttl);
    if (fresh
        && sequencer != null
        && previous.sequencer() != null
        && compareSequencers(sequencer, previous.sequencer()) < 0) {
      return Decision.STALE;
    }
    String live = liveVersion(previous);
    if (versionDelete && live != null && !live.equals(normaliseVersion(incoming.getVersionId()))) {
      return Decision.NONCURRENT_DELETE;
    }
    if (!fresh) {
      return Decision.EMIT;
    }
    if (previous.type().equals(incoming.getType().name())
        && Objects.equals(previous.etag(), incoming.getEtag())
        && Objects.equals(previous.versionId(), incoming.getVersionId())) {
      return Decision.DUPLICATE;
    }
    return Decision.EMIT;
  }

  /** The state to remember after emitting {@code e}; keeps the newest sequencer seen. */
  public static State remember(State previous, ImageEvent e, String sequencer, long nowMillis) {
    String seq = sequencer;
    if (previous != null
        && previous.sequencer() != null
        && (seq == null || compareSequencers(previous.sequencer(), seq) > 0)) {
      seq = previous.sequencer();
    }
    return new State(e.getType().name(), e.getEtag(), e.getVersionId(), seq, nowMillis);
  }

  public static boolean expired(State s, long nowMillis, Duration ttl) {
    return nowMillis - s.seenAtMillis() >= ttl.toMillis();
  }

  /**
   * The version id of the live image: the last emitted event was a CREATED of a versioned object
   * (S3's {@code "null"} version is the unversioned one); else null.
   */
  public static String liveVersion(State s) {
    return s != null && ImageEventType.CREATED.name().equals(s.type())
        ? normaliseVersion(s.versionId())
        : null;
  }

  /**
   * Whether the purge may remove {@code s}: once past the TTL, unless it holds a live version
   * ({@link #liveVersion}), which is kept until that image is deleted, so a later deletion of an
   * older version can still be told apart.
   */
  public static boolean purgeable(State s, long nowMillis, Duration ttl) {
    return expired(s, nowMillis, ttl) && liveVersion(s) == null;
  }

  private static String normaliseVersion(String v) {
    return v == null || v.isEmpty() || v.equals("null") ? null : v;
  }

  /**
   * MinIO's sequencer is {@code %X} of the event time in nanoseconds: upper-case hex without
   * leading zeros (this project's S3 server pads to 16 digits). Compared as unsigned hex numbers;
   * anything else compares as text.
   */
  public static int compareSequencers(String a, String b) {
    String x = stripZeros(a);
    String y = stripZeros(b);
    if (x.length() != y.length() && isHex(x) && isHex(y)) {
      return Integer.compare(x.length(), y.length());
    }
    return x.compareToIgnoreCase(y);
  }

  private static String stripZeros(String s) {
    int i = 0;
    while (i < s.length() - 1 && s.charAt(i) == '0') {
      i++;
    }
    return s.substring(i);
  }

  private static boolean isHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.digit(s.charAt(i), 16) < 0) {
        return false;
      }
    }
    return !s.isEmpty();
  }

  /** Serde of {@link State} for the store and its changelog (version byte + fields). */
  public static Serde<State> stateSerde() {
    return Serdes.serdeFrom(
        (topic, s) -> {
          if (s == null) {
            return null;
          }
          try (var bytes = new ByteArrayOutputStream(64);
              var out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeUTF(s.type());
            writeNullable(out, s.etag());
            writeNullable(out, s.versionId());
            writeNullable(out, s.sequencer());
            out.writeLong(s.seenAtMillis());
            out.flush();
            return bytes.toByteArray();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        (topic, data) -> {
          if (data == null) {
            return null;
          }
          try (var in = new DataInputStream(new ByteArrayInputStream(data))) {
            int version = in.readByte();
            if (version != 1) {
              throw new IllegalStateException("unknown dedup state version " + version);
            }
            return new State(
                in.readUTF(), readNullable(in), readNullable(in), readNullable(in), in.readLong());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  private static void writeNullable(DataOutputStream out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      out.writeUTF(s);
    }
  }

  private static String readNullable(DataInputStream in) throws IOException {
    return in.readBoolean() ? in.readUTF() : null;
  }
}
