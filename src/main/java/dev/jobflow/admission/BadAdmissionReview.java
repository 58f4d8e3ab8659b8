package dev.jobflow.admission;

/** A request body that is not a usable AdmissionReview; answered with HTTP 400 and this one-line reason. */
public final class BadAdmissionReview extends Exception {
  public BadAdmissionReview(String reason) {
    super(oneLine(reason), null, false, false);
  }

  /** Reasons come partly from parsers quoting user input: keep them one short printable line. */
  static String oneLine(String text) {
    if (text == null) {
      return "unknown problem";
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), 300));
    for (int i = 0; i < text.length() && out.length() < 300; i++) {
      char c = text.charAt(i);
      out.append(Character.isISOControl(c) ? ' ' : c);
    }
    if (text.length() > 300) {
      out.append("...");
    }
    return out.toString().strip();
  }
}
