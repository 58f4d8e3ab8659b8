package dev.jobflow;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/engine.md ("Packages"), checked on the compiled main classes: no cycle between
 * {@code dev.jobflow.*} packages; the DAG rules and the validator free of Akka, Kamon and the Kubernetes client;
 * nothing in src/main that only tests use.
 */
class ArchitectureTest {
  static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
      .importPackages("dev.jobflow");

  static final Path MAIN_SOURCES = Path.of("src/main/java");
  static final String[] RUNTIMES = {"akka..", "kamon..", "com.typesafe..", "scala.."};

  @Test
  void noCycleBetweenPackages() {
    slices().matching("dev.jobflow.(*)..").should().beFreeOfCycles().check(MAIN);
  }

  /** The rules are plain Java: no actor, metric or Kubernetes type, so they are unit-tested in microseconds. */
  @Test
  void theDagRulesArePlainJava() {
    ArchRule rule = classes().that().resideInAPackage("dev.jobflow.dag..")
        .should().onlyDependOnClassesThat(DescribedPredicate.describe(
            "are in java.*, dev.jobflow.dag or are plain value types of dev.jobflow.api",
            c -> c.getPackageName().startsWith("java") || c.getPackageName().startsWith("dev.jobflow.dag")
                || isPlainApiType(c)));
    rule.check(MAIN);
  }

  /**
   * The validator reads the API's objects, and those are fabric8's Kubernetes model (a step's template is a batch/v1
   * JobSpec): the model is allowed, the client (HTTP, informers), Akka and Kamon are not.
   */
  @Test
  void theValidatorUsesNoClientActorOrMetric() {
    noClasses().that().resideInAPackage("dev.jobflow.validation..")
        .should().dependOnClassesThat().resideInAnyPackage(RUNTIMES)
        .orShould().dependOnClassesThat().resideInAPackage("io.fabric8.kubernetes.client..")
        .check(MAIN);
  }

  @Test
  void everyMainClassIsUsedByMainCode() {
    ArchRule rule = classes().that().areTopLevelClasses().and().doNotHaveSimpleName("package-info")
        .should(new ArchCondition<>("be used by another class of src/main, or be an entry point") {
          @Override
          public void check(JavaClass c, ConditionEvents events) {
            boolean entryPoint = c.getMethods().stream().anyMatch(ArchitectureTest::isMain);
            boolean used = c.getDirectDependenciesToSelf().stream()
                .map(d -> topLevel(d.getOriginClass()))
                .anyMatch(origin -> !origin.equals(c))
                || (isConstantsOnly(c) && namedInOtherMainSources(c))
                || loadedByNameFromConf(c);
            if (!entryPoint && !used) {
              events.add(SimpleConditionEvent.violated(c, c.getName() + " is used by no class of src/main"
                  + " (only by tests? then it belongs in src/test)"));
            }
          }
        });
    rule.check(MAIN);
  }

  /** The rules above see something: guards against an import that finds no classes and checks nothing. */
  @Test
  void theImportSeesEveryPackage() {
    Set<String> packages = new TreeSet<>();
    MAIN.forEach(c -> packages.add(c.getPackageName()));
    List<String> expected = List.of("dev.jobflow.api", "dev.jobflow.dag", "dev.jobflow.flow", "dev.jobflow.step",
        "dev.jobflow.validation");
    assertEquals(expected, packages.stream().filter(expected::contains).toList());
  }

  static boolean isPlainApiType(JavaClass c) {
    if (!c.getPackageName().equals("dev.jobflow.api")) {
      return false;
    }
    return c.getDirectDependenciesFromSelf().stream().map(Dependency::getTargetClass)
        .noneMatch(t -> t.getPackageName().startsWith("io.fabric8") || t.getPackageName().startsWith("akka")
            || t.getPackageName().startsWith("kamon") || t.getPackageName().startsWith("com.fasterxml"));
  }

  /**
   * The compiler copies {@code static final} constants into the classes that read them, so a class of constants only
   * (e.g. {@code Reasons}) leaves no trace in their bytecode: for those, the sources say who uses them.
   */
  static boolean isConstantsOnly(JavaClass c) {
    return !c.getFields().isEmpty() && c.getMethods().isEmpty() && c.getFields().stream().allMatch(f ->
        f.getModifiers().contains(JavaModifier.STATIC) && f.getModifiers().contains(JavaModifier.FINAL)
            && (f.getRawType().isPrimitive() || f.getRawType().getName().equals(String.class.getName())));
  }

  /** A class the shipped configuration names in quotes, which Akka loads by reflection (a Jackson module). */
  static boolean loadedByNameFromConf(JavaClass c) {
    try (Stream<Path> files = Files.list(Path.of("conf"))) {
      return files.filter(f -> f.toString().endsWith(".conf")).anyMatch(f -> {
        try {
          return Files.readString(f).contains("\"" + c.getName() + "\"");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static boolean namedInOtherMainSources(JavaClass c) {
    Path own = MAIN_SOURCES.resolve(c.getName().replace('.', '/') + ".java");
    Pattern use = Pattern.compile("\\b" + Pattern.quote(c.getSimpleName()) + "\\.[A-Z_]+\\b");
    try (Stream<Path> files = Files.walk(MAIN_SOURCES)) {
      return files.filter(f -> f.toString().endsWith(".java") && !f.equals(own)).anyMatch(f -> {
        try {
          return use.matcher(Files.readString(f)).find();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static boolean isMain(JavaMethod m) {
    return m.getName().equals("main") && m.getModifiers().contains(JavaModifier.STATIC);
  }

  static JavaClass topLevel(JavaClass c) {
    JavaClass t = c;
    while (t.getEnclosingClass().isPresent()) {
      t = t.getEnclosingClass().get();
    }
    return t;
  }
}
