package com.miteos.orchestrator;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Which package of the orchestrator may import which (see README, "Layers"): the domain imports
 * no other layer; ports import only the domain; the application imports domain, ports and
 * config but never an adapter; config imports only the domain (it turns settings into domain
 * values such as {@code Prices}); and no two packages import each other,
 * directly or round a circle. Only main classes are checked: tests may wire adapters in.
 */
class LayeringTest {

    private static final String ROOT = "com.miteos.orchestrator";

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    @Test
    void noPackageImportsALayerItMayNotSee() {
        Architectures.LayeredArchitecture layers = Architectures.layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("Domain").definedBy(ROOT + ".domain..")
                .layer("Port").definedBy(ROOT + ".port..")
                .layer("Application").definedBy(ROOT + ".application..")
                .layer("Adapter").definedBy(ROOT + ".adapter..")
                .layer("Config").definedBy(ROOT + ".config..")
                .whereLayer("Domain").mayNotAccessAnyLayer()
                .whereLayer("Port").mayOnlyAccessLayers("Domain")
                .whereLayer("Application").mayOnlyAccessLayers("Domain", "Port", "Config")
                .whereLayer("Config").mayOnlyAccessLayers("Domain");
        layers.check(main);
    }

    @Test
    void noPackagesImportEachOther() {
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(main);
    }
}
