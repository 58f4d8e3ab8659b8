package dev.jobflow.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.StepPhase;
import dev.jobflow.dag.Condition;
import dev.jobflow.dag.ConditionInputs;
import dev.jobflow.dag.FlowFacts;
import dev.jobflow.dag.ItemSource;
import dev.jobflow.dag.Reasons;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** withParam (a CEL list, or a string of JSON), item and index in when, {{item}} placeholders. */
class ItemsExpressionTest {

  private static ConditionInputs inputs(Map<String, String> listOutputs, String item, int index) {
    return new ConditionInputs() {
      @Override
      public FlowFacts flow() {
        return new FlowFacts("f", "ns", Map.of(), Map.of("n", "3"));
      }

      @Override
      public StepResult step(String name) {
        return name.equals("list") ? new StepResult(StepPhase.Succeeded, null, listOutputs, 0) : null;
      }

      @Override
      public List<String> stepsInScope() {
        return List.of("list");
      }

      @Override
      public String item() {
        return item;
      }

      @Override
      public int index() {
        return index;
      }
    };
  }

  private static ItemSource.Items expand(String text, Map<String, String> outputs, int max) {
    ItemsExpression.Compilation c = ItemsExpression.compile(text);
    assertTrue(c.isValid(), c.problems().toString());
    return c.expression().expand(inputs(outputs, null, -1), max);
  }

  @Test
  void aStringOutputIsReadAsAJsonList() {
    ItemSource.Items items = expand("steps.list.outputs.files",
        Map.of("files", "[{\"path\": \"a.csv\", \"size\": 3}, \"b.csv\", 7, null]"), 10);
    assertEquals(List.of("{\"path\":\"a.csv\",\"size\":3}", "\"b.csv\"", "7", "null"), items.items());
  }

  @Test
  void aCelListIsTheList() {
    assertEquals(List.of("\"x\"", "2", "true"), expand("['x', 2, true]", Map.of(), 10).items());
    assertEquals(List.of("0", "1", "2"), expand("[0, 1, 2].filter(i, i < int(params.n))", Map.of(), 10).items());
  }

  @Test
  void anythingElseIsBadItemsAndALongListTooManyItems() {
    ItemSource.Items notList = expand("steps.list.outputs.files", Map.of("files", "{\"a\": 1}"), 10);
    assertEquals(Reasons.BAD_ITEMS, notList.reason());
    assertEquals("withParam: 'steps.list.outputs.files': the string is JSON but not a list: {\"a\": 1}",
        notList.message());
    assertEquals(Reasons.BAD_ITEMS, expand("steps.list.outputs.files", Map.of("files", "not json"), 10).reason());
    assertEquals(Reasons.BAD_ITEMS, expand("steps.list.outputs.files", Map.of(), 10).reason(), "no such output");
    assertEquals(Reasons.BAD_ITEMS, expand("42", Map.of(), 10).reason());
    ItemSource.Items many = expand("steps.list.outputs.files", Map.of("files", "[1, 2, 3]"), 2);
    assertEquals(Reasons.TOO_MANY_ITEMS, many.reason());
    assertEquals("withParam gives 3 items, more than maxItems (2)", many.message());
  }

  @Test
  void whenReadsTheInstancesItemAndIndex() {
    WhenExpression w = WhenExpression.compile("item.size > 2 && index == 1 && item.path.endsWith('.csv')").expression();
    assertTrue(w.readsItem());
    assertEquals(Condition.Verdict.Kind.RUN,
        w.evaluate(inputs(Map.of(), "{\"path\": \"a.csv\", \"size\": 3}", 1)).kind());
    assertEquals(Condition.Verdict.Kind.SKIP,
        w.evaluate(inputs(Map.of(), "{\"path\": \"a.csv\", \"size\": 3}", 0)).kind());
  }

  @Test
  void itemPlaceholdersTakeTheItemsText() {
    List<Placeholders.Placeholder> found = Placeholders.in("{{item}} {{ item.a.b }} {{index}} {{params.x}}");
    assertEquals(List.of("item", "item.a.b", "index", "params.x"),
        found.stream().map(Placeholders.Placeholder::name).toList());
    assertTrue(found.get(0).isItem() && found.get(1).isItem() && found.get(2).isItem() && !found.get(3).isItem());
    assertEquals("a.csv", ItemValues.text("\"a.csv\"", List.of()));
    assertEquals("{\"k\":1}", ItemValues.text("{\"k\":1}", List.of()));
    assertEquals("1", ItemValues.text("{\"a\":{\"b\":1}}", List.of("a", "b")));
    assertEquals(null, ItemValues.text("{\"a\":1}", List.of("z")));
    Map<String, String> values = Map.of("item", "a.csv", "index", "4");
    assertEquals("process a.csv --n=4 {{other}}",
        Placeholders.substitute("process {{item}} --n={{ index }} {{other}}", values::get));
  }
}
