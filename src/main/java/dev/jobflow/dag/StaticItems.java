package dev.jobflow.dag;

import java.util.ArrayList;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The item sources written out in the spec: {@code withItems} (a list), {@code withSequence} (numbers) and
 * {@code matrix} (the cartesian product of named lists). Their size is known before a list is built, so a list over
 * the limit is refused without building it.
 */
public final class StaticItems {
  private StaticItems() {}

  /** {@code withItems}: the items as JSON texts, in order. */
  public static ItemSource list(List<String> jsonItems) {
    List<String> items = List.copyOf(jsonItems);
    return new ItemSource() {
      @Override
      public String field() {
        return "withItems";
      }

      @Override
      public Items expand(ConditionInputs inputs, int maxItems) {
        return items.size() > maxItems ? Items.tooMany(field(), items.size(), maxItems) : Items.of(items);
      }
    };
  }

  /**
   * {@code withSequence}: {@code count} numbers from {@code start} (default 0), or {@code start..end} inclusive
   * (counting down when end is below start); each formatted with the printf-style {@code format} (a string item)
   * or, without one, a number item.
   */
  public static ItemSource sequence(Long count, Long start, Long end, String format) {
    long from = start == null ? 0 : start;
    long size;
    int step;
    if (count != null) {
      size = count;
      step = 1;
    } else {
      long to = end == null ? from : end;
      size = Math.abs(to - from) + 1;
      step = to >= from ? 1 : -1;
    }
    return new ItemSource() {
      @Override
      public String field() {
        return "withSequence";
      }

      @Override
      public Items expand(ConditionInputs inputs, int maxItems) {
        if (size > maxItems) {
          return Items.tooMany(field(), size, maxItems);
        }
        List<String> items = new ArrayList<>((int) size);
        for (long i = 0; i < size; i++) {
          long n = from + i * step;
          if (format == null) {
            items.add(Long.toString(n));
          } else {
            try {
              items.add(Json.quote(String.format(Locale.ROOT, format, n)));
            } catch (IllegalFormatException e) {
              return Items.bad(field() + ".format", "'" + format + "' cannot format a number: " + e.getMessage());
            }
          }
        }
        return Items.of(items);
      }
    };
  }

  /** {@code matrix}: every combination of one value per name, the last name varying fastest; objects of strings. */
  public static ItemSource matrix(Map<String, List<String>> axes) {
    List<String> names = List.copyOf(axes.keySet());
    List<List<String>> values = names.stream().map(n -> List.copyOf(axes.get(n))).toList();
    return new ItemSource() {
      @Override
      public String field() {
        return "matrix";
      }

      @Override
      public Items expand(ConditionInputs inputs, int maxItems) {
        long size = productSize(axes);
        if (size > maxItems) {
          return Items.tooMany(field(), size, maxItems);
        }
        List<String> items = new ArrayList<>((int) size);
        int[] at = new int[names.size()];
        for (long k = 0; k < size; k++) {
          StringBuilder item = new StringBuilder("{");
          for (int a = 0; a < names.size(); a++) {
            item.append(a == 0 ? "" : ",").append(Json.quote(names.get(a))).append(':')
                .append(Json.quote(values.get(a).get(at[a])));
          }
          items.add(item.append('}').toString());
          for (int a = names.size() - 1; a >= 0; a--) {
            if (++at[a] < values.get(a).size()) {
              break;
            }
            at[a] = 0;
          }
        }
        return Items.of(items);
      }
    };
  }

  /** How many combinations a matrix has (capped at Long.MAX_VALUE); 0 when it has no names or an empty list. */
  public static long productSize(Map<String, List<String>> axes) {
    if (axes == null || axes.isEmpty()) {
      return 0;
    }
    long size = 1;
    for (List<String> v : axes.values()) {
      int n = v == null ? 0 : v.size();
      if (n == 0) {
        return 0;
      }
      size = size > Long.MAX_VALUE / n ? Long.MAX_VALUE : size * n;
    }
    return size;
  }
}
