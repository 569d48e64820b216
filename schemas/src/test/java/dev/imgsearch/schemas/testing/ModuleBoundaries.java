package dev.imgsearch.schemas.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Base of each module's {@code ModuleBoundariesTest} (from this module's test-jar): the module's
 * production classes, imported once per test run, the rule most boundaries are made of, and the
 * check that the rules see any classes at all.
 */
public abstract class ModuleBoundaries {
  private static final Map<Class<?>, JavaClasses> IMPORTED = new ConcurrentHashMap<>();

  /**
   * The production classes of the module that holds the class given to the constructor (its
   * target/classes or jar), not what is on the test class path.
   */
  protected final JavaClasses classes;

  protected ModuleBoundaries(Class<?> anyProductionClass) {
    classes =
        IMPORTED.computeIfAbsent(
            anyProductionClass,
            c ->
                new ClassFileImporter()
                    .importUrl(c.getProtectionDomain().getCodeSource().getLocation()));
  }

  /** No class depends on a class in any of {@code packages} (ArchUnit package patterns). */
  protected static ArchRule noDependencyOn(String... packages) {
    return ArchRuleDefinition.noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(packages);
  }

  @Test
  void theRulesSeeTheModulesClasses() {
    // a rule over an empty import would hold for nothing
    assertThat(classes).as("classes imported from this module").isNotEmpty();
  }
}
