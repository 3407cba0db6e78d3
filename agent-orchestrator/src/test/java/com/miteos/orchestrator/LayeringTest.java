package com.miteos.orchestrator;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures;
import com.tngtech.archunit.library.dependencies.SliceRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameStartingWith;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Which package of the orchestrator may import which (see README, "Layers"): the domain imports
 * no other layer; ports import only the domain; the application imports domain, ports and
 * config but never an adapter; config imports no layer; and no two packages import each other,
 * directly or round a circle. Only main classes are checked: tests may wire adapters in.
 */
class LayeringTest {

    private static final String ROOT = "com.miteos.orchestrator";

    /** A dependency the rules let pass for now, each with the work that removes it. */
    private record Exemption(String why, DescribedPredicate<? super JavaClass> origin,
            DescribedPredicate<? super JavaClass> target) {
    }

    /**
     * Known violations that the parallel work on domain/run, domain/cost and the file tools
     * (issue 14) removes. Delete each one once that work is merged; add none.
     */
    private static final List<Exemption> EXEMPTIONS = List.of(
            // TaskRun records into port.journal.TaskJournal; it becomes a domain RunJournal interface.
            new Exemption("TaskRun -> TaskJournal", name(ROOT + ".domain.run.TaskRun"),
                    name(ROOT + ".port.journal.TaskJournal")),
            // CostMeter reads OrchestratorConfig; it is to take a domain Prices value instead.
            new Exemption("CostMeter -> OrchestratorConfig", name(ROOT + ".domain.cost.CostMeter"),
                    nameStartingWith(ROOT + ".config.OrchestratorConfig")),
            // The file tools use adapter.s3.FileStore directly; they are to use a port/files TaskFiles port.
            new Exemption("ReadFileTool -> FileStore", name(ROOT + ".application.tools.ReadFileTool"),
                    name(ROOT + ".adapter.s3.FileStore")),
            new Exemption("WriteFileTool -> FileStore", name(ROOT + ".application.tools.WriteFileTool"),
                    name(ROOT + ".adapter.s3.FileStore")));

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
                .whereLayer("Config").mayNotAccessAnyLayer();
        for (Exemption exemption : EXEMPTIONS) {
            layers = layers.ignoreDependency(exemption.origin(), exemption.target());
        }
        layers.check(main);
    }

    @Test
    void noPackagesImportEachOther() {
        SliceRule acyclic = slices().matching(ROOT + ".(**)").should().beFreeOfCycles();
        for (Exemption exemption : EXEMPTIONS) {
            acyclic = acyclic.ignoreDependency(exemption.origin(), exemption.target());
        }
        acyclic.check(main);
    }
}
