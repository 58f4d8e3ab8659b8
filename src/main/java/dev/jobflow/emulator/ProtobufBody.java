package dev.jobflow.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/**
 * kubectl's generators ({@code kubectl create namespace X}) send built-in objects as protobuf. The
 * emulator stores JSON and has no protobuf schemas, but every Kubernetes object keeps its
 * ObjectMeta in field 1; for kinds whose meaning is all metadata (Namespace) that is enough to
 * turn the body into JSON. Others are refused with a hint to send YAML/JSON instead.
 */
final class ProtobufBody {
  static final String CONTENT_TYPE = "application/vnd.kubernetes.protobuf";
  private static final byte[] MAGIC = {'k', '8', 's', 0};
  private static final Set<String> METADATA_ONLY = Set.of("Namespace");

  /** Thrown when a body cannot be converted. */
  static final class Unsupported extends Exception {
    Unsupported(String message) {
      super(message);
    }
  }

  private ProtobufBody() {}

  static byte[] toJson(byte[] body) throws Unsupported {
    if (body.length < 4 || !Arrays.equals(Arrays.copyOf(body, 4), MAGIC)) {
      throw new Unsupported("the protobuf body lacks the k8s envelope");
    }
    String apiVersion = null;
    String kind = null;
    byte[] raw = null;
    Reader unknown = new Reader(Arrays.copyOfRange(body, 4, body.length));
    while (unknown.more()) {
      int key = unknown.varint32();
      if (key == (1 << 3 | 2)) {
        Reader typeMeta = new Reader(unknown.bytes());
        while (typeMeta.more()) {
          int k = typeMeta.varint32();
          if (k == (1 << 3 | 2)) {
            apiVersion = typeMeta.string();
          } else if (k == (2 << 3 | 2)) {
            kind = typeMeta.string();
          } else {
            typeMeta.skip(k);
          }
        }
      } else if (key == (2 << 3 | 2)) {
        raw = unknown.bytes();
      } else {
        unknown.skip(key);
      }
    }
    if (kind == null || raw == null) {
      throw new Unsupported("the protobuf body has no kind or object");
    }
    if (!METADATA_ONLY.contains(kind)) {
      throw new Unsupported("the emulator reads protobuf bodies only for " + METADATA_ONLY + ", not " + kind
          + ": send it as YAML or JSON (kubectl create -f FILE, or kubectl create ... --dry-run=client -o yaml "
          + "| kubectl create -f -)");
    }
    ObjectNode object = Serialization.jsonMapper().createObjectNode().put("apiVersion", apiVersion).put("kind", kind);
    ObjectNode metadata = object.putObject("metadata");
    Reader o = new Reader(raw);
    while (o.more()) {
      int key = o.varint32();
      if (key != (1 << 3 | 2)) {
        o.skip(key);
        continue;
      }
      Reader meta = new Reader(o.bytes());
      while (meta.more()) {
        int k = meta.varint32();
        switch (k) {
          case 1 << 3 | 2 -> metadata.put("name", meta.string());
          case 2 << 3 | 2 -> metadata.put("generateName", meta.string());
          case 3 << 3 | 2 -> metadata.put("namespace", meta.string());
          case 11 << 3 | 2, 12 << 3 | 2 -> {
            ObjectNode map = metadata.has(k >> 3 == 11 ? "labels" : "annotations")
                ? (ObjectNode) metadata.get(k >> 3 == 11 ? "labels" : "annotations")
                : metadata.putObject(k >> 3 == 11 ? "labels" : "annotations");
            Reader entry = new Reader(meta.bytes());
            String mk = null;
            String mv = "";
            while (entry.more()) {
              int ek = entry.varint32();
              if (ek == (1 << 3 | 2)) {
                mk = entry.string();
              } else if (ek == (2 << 3 | 2)) {
                mv = entry.string();
              } else {
                entry.skip(ek);
              }
            }
            if (mk != null) {
              map.put(mk, mv);
            }
          }
          default -> meta.skip(k);
        }
      }
    }
    return EmulatorStore.write(object).getBytes(StandardCharsets.UTF_8);
  }

  /** The few protobuf wire-format reads needed here. */
  private static final class Reader {
    private final byte[] b;
    private int at;

    Reader(byte[] b) {
      this.b = b;
    }

    boolean more() {
      return at < b.length;
    }

    long varint() throws Unsupported {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (at >= b.length) {
          throw new Unsupported("truncated protobuf body");
        }
        byte x = b[at++];
        v |= (long) (x & 0x7f) << shift;
        if ((x & 0x80) == 0) {
          return v;
        }
      }
      throw new Unsupported("malformed protobuf varint");
    }

    int varint32() throws Unsupported {
      return (int) varint();
    }

    byte[] bytes() throws Unsupported {
      int n = varint32();
      if (n < 0 || at + n > b.length) {
        throw new Unsupported("truncated protobuf body");
      }
      byte[] out = Arrays.copyOfRange(b, at, at + n);
      at += n;
      return out;
    }

    String string() throws Unsupported {
      return new String(bytes(), StandardCharsets.UTF_8);
    }

    void skip(int key) throws Unsupported {
      switch (key & 7) {
        case 0 -> varint();
        case 1 -> at += 8;
        case 2 -> bytes();
        case 5 -> at += 4;
        default -> throw new Unsupported("unsupported protobuf wire type " + (key & 7));
      }
    }
  }
}
