package dev.jobflow.validation;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.AnnotatedMethod;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.ser.BeanSerializer;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.CallSite;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Visits every string of a Kubernetes model object (values and map keys) that may hold a template,
 * with its JSON field path. It reads the objects through their getters, as Jackson would serialize
 * them, but without writing any JSON: that keeps a 10,000-step flow within its validation budget.
 * Types Jackson writes with a custom serializer (quantities, int-or-string) are walked through
 * Jackson itself, so what is visited is exactly what would be sent to the API server.
 */
final class TemplateStrings {
  /** Receives a string containing {@code {{} and the path where it sits, e.g. {@code .spec.containers[0].image}. */
  interface Visitor {
    void visit(String text, String path);
  }

  private static final String MARK = "{{";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern SIMPLE_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Property[] NOT_A_BEAN = new Property[0];
  private static final ClassValue<Property[]> PROPERTIES = new ClassValue<>() {
    @Override
    protected Property[] computeValue(Class<?> type) {
      return introspect(type);
    }
  };

  private record Property(String segment, Function<Object, Object> getter, boolean extra) {}

  private final String[] segments = new String[256];
  private int depth;

  private TemplateStrings() {}

  /** Calls {@code visitor} for every string under {@code root} that contains {@code {{}. */
  static void visit(Object root, Visitor visitor) {
    new TemplateStrings().walk(root, visitor);
  }

  private void walk(Object value, Visitor visitor) {
    if (value == null || value instanceof Number || value instanceof Boolean || value instanceof Enum<?>) {
      return;
    }
    if (value instanceof String s) {
      if (s.contains(MARK)) {
        visitor.visit(s, path());
      }
    } else if (value instanceof Map<?, ?> map) {
      walkMap(map, visitor);
    } else if (value instanceof Collection<?> list) {
      int i = 0;
      for (Object item : list) {
        push("[" + i++ + "]");
        walk(item, visitor);
        pop();
      }
    } else {
      Property[] properties = PROPERTIES.get(value.getClass());
      if (properties == NOT_A_BEAN) {
        walkAsJson(value, visitor);
        return;
      }
      for (Property p : properties) {
        Object v = p.getter().apply(value);
        if (v == null) {
          continue;
        }
        if (p.extra()) {
          walkMap((Map<?, ?>) v, visitor);
        } else {
          push(p.segment());
          walk(v, visitor);
          pop();
        }
      }
    }
  }

  private void walkMap(Map<?, ?> map, Visitor visitor) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = String.valueOf(e.getKey());
      push(keySegment(key));
      if (key.contains(MARK)) {
        visitor.visit(key, path());
      }
      walk(e.getValue(), visitor);
      pop();
    }
  }

  /** Types with their own JSON form: walk the tokens Jackson writes for them. */
  private void walkAsJson(Object value, Visitor visitor) {
    String prefix = path();
    TokenBuffer tokens = new TokenBuffer(MAPPER, false);
    try {
      MAPPER.writeValue(tokens, value);
      try (JsonParser p = tokens.asParser()) {
        for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
          if ((t == JsonToken.VALUE_STRING || t == JsonToken.FIELD_NAME) && p.getText().contains(MARK)) {
            visitor.visit(p.getText(), prefix + jsonPath(p.getParsingContext()));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + value.getClass().getSimpleName() + " at " + prefix, e);
    }
  }

  private void push(String segment) {
    segments[depth++] = segment;
  }

  private void pop() {
    depth--;
  }

  private String path() {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      out.append(segments[i]);
    }
    return out.toString();
  }

  static String keySegment(String key) {
    return SIMPLE_KEY.matcher(key).matches() ? "." + key : "[\"" + key.replace("\"", "\\\"") + "\"]";
  }

  /** The path of a JSON token, e.g. {@code .template.spec.containers[0].command[2]}. */
  static String jsonPath(JsonStreamContext context) {
    Deque<String> parts = new ArrayDeque<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        parts.push("[" + c.getCurrentIndex() + "]");
      } else if (c.inObject() && c.getCurrentName() != null) {
        parts.push(keySegment(c.getCurrentName()));
      }
    }
    return String.join("", parts);
  }

  /** The getters Jackson would serialize, or {@link #NOT_A_BEAN} when Jackson has its own way with the type. */
  private static Property[] introspect(Class<?> type) {
    JavaType javaType = MAPPER.constructType(type);
    try {
      JsonSerializer<Object> serializer = MAPPER.getSerializerProviderInstance().findValueSerializer(javaType);
      if (serializer.getClass() != BeanSerializer.class) {
        return NOT_A_BEAN;
      }
    } catch (JsonMappingException e) {
      return NOT_A_BEAN;
    }
    BeanDescription bean = MAPPER.getSerializationConfig().introspect(javaType);
    List<Property> properties = new ArrayList<>();
    for (BeanPropertyDefinition p : bean.findProperties()) {
      if (!(p.getAccessor() instanceof AnnotatedMethod getter)) {
        return NOT_A_BEAN; // a field or something unusual: let Jackson read it
      }
      if (!mayHoldText(getter.getRawType())) {
        continue;
      }
      properties.add(new Property(keySegment(p.getName()), getter(getter.getAnnotated()), false));
    }
    AnnotatedMember any = bean.findAnyGetter();
    if (any != null) {
      if (!(any instanceof AnnotatedMethod anyGetter)) {
        return NOT_A_BEAN;
      }
      properties.add(new Property("", getter(anyGetter.getAnnotated()), true));
    }
    return properties.toArray(new Property[0]);
  }

  private static boolean mayHoldText(Class<?> type) {
    return !(type.isPrimitive() || Number.class.isAssignableFrom(type) || type == Boolean.class || type.isEnum());
  }

  /** A getter as a plain function: through a generated lambda, near the cost of a direct call. */
  @SuppressWarnings("unchecked")
  private static Function<Object, Object> getter(Method method) {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      MethodHandle handle = lookup.unreflect(method);
      CallSite site = LambdaMetafactory.metafactory(lookup, "apply", MethodType.methodType(Function.class),
          MethodType.methodType(Object.class, Object.class), handle,
          MethodType.methodType(method.getReturnType(), method.getDeclaringClass()));
      return (Function<Object, Object>) site.getTarget().invokeExact();
    } catch (Throwable e) {
      return target -> {
        try {
          return method.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException ex) {
          throw new IllegalStateException("cannot read " + method, ex);
        }
      };
    }
  }
}
