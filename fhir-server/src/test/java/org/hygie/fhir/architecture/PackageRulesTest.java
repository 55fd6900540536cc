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

    @Test
    void storageKnowsNoCryptography() {
        noClasses().that().resideInAPackage("org.hygie.fhir.storage..")
                .should().dependOnClassesThat().resideInAPackage("org.hygie.fhir.crypto..").check(MAIN);
    }
}
