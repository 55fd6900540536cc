package org.hygie.fhir.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The package structure the code is read by: capabilities that do not go round in circles, and a storage
 * layer that knows no cryptography (it is given a payload codec and an index protector).
 */
class PackageRulesTest {
    private static final JavaClasses MAIN = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.hygie.fhir");

    @Test
    void capabilitiesDependOnEachOtherWithoutCycles() {
        slices().matching("org.hygie.fhir.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    /**
     * The store knows no resource type: what differs per type is the types registry's policy, and what a
     * capability derives from resources is a projection it registers (booking's slot availability).
     */
    @Test
    void storageNamesNoResourceType() throws java.io.IOException {
        java.util.Set<String> types = new java.util.HashSet<>(org.hygie.fhir.types.ResourceTypes.ALL);
        types.addAll(org.hygie.fhir.types.ResourceTypes.PATIENT_TARGETS);
        java.util.regex.Pattern literal = java.util.regex.Pattern.compile("\"([A-Za-z]+)\"");
        java.util.List<String> found = new java.util.ArrayList<>();
        try (var files = java.nio.file.Files.walk(java.nio.file.Path.of("src/main/java/org/hygie/fhir/storage"))) {
            for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                java.util.regex.Matcher m = literal.matcher(java.nio.file.Files.readString(file));
                while (m.find()) {
                    if (types.contains(m.group(1))) {
                        found.add(file.getFileName() + ": \"" + m.group(1) + "\"");
                    }
                }
            }
        }
        org.assertj.core.api.Assertions.assertThat(found).isEmpty();
        noClasses().that().resideInAPackage("org.hygie.fhir.storage..")
                .should().dependOnClassesThat().resideInAnyPackage("org.hygie.fhir.booking..", "org.hygie.fhir.security..",
                        "org.hygie.fhir.documents..", "org.hygie.fhir.audit..", "org.hygie.fhir.web..").check(MAIN);
    }

    /** A class one reads whole: when it grows past this, it is doing two things. */
    @Test
    void noSourceFileIsLongerThanOneCanRead() throws java.io.IOException {
        java.util.List<String> tooLong = new java.util.ArrayList<>();
        try (var files = java.nio.file.Files.walk(java.nio.file.Path.of("src/main/java"))) {
            for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                long lines = java.nio.file.Files.readAllLines(file).size();
                if (lines > 400) {
                    tooLong.add(file.getFileName() + ": " + lines + " lines");
                }
            }
        }
        org.assertj.core.api.Assertions.assertThat(tooLong).isEmpty();
    }

    @Test
    void storageKnowsNoCryptography() {
        noClasses().that().resideInAPackage("org.hygie.fhir.storage..")
                .should().dependOnClassesThat().resideInAPackage("org.hygie.fhir.crypto..").check(MAIN);
    }
}
