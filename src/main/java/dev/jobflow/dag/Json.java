package dev.jobflow.dag;

/**
 * The bits of JSON the rules write themselves: a string literal (items are JSON texts; see {@link ItemSource}) and a
 * list of strings (gathered outputs, {@link GatheredOutputs}).
 */
final class Json {
  private Json() {}

  static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /** A JSON list of strings, null elements as {@code null}. */
  static String stringList(java.util.List<String> values) {
    StringBuilder out = new StringBuilder().append('[');
    for (int i = 0; i < values.size(); i++) {
      out.append(i == 0 ? "" : ",").append(values.get(i) == null ? "null" : quote(values.get(i)));
    }
    return out.append(']').toString();
  }
}
