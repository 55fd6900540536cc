package org.hygie.fhir.validation;

import org.hl7.fhir.r5.context.IWorkerContext;
import org.hl7.fhir.r5.model.StructureDefinition;
import org.hl7.fhir.r5.utils.xver.XVerExtensionManagerOld;

/**
 * Cross-version extensions ({@code http://hl7.org/fhir/5.0/StructureDefinition/extension-Slot.serviceType},
 * which the SAS guide uses on R4 Slots): a package Hygie loads may define one, and then that definition is the
 * one used. HAPI's manager knows the R5 paths of no release after 4.x and refused every 5.0 URL ("invalid
 * version"); for those no package defines, it answers as before.
 */
final class PackagedCrossVersionExtensions extends XVerExtensionManagerOld {
    PackagedCrossVersionExtensions(IWorkerContext context) {
        super(context);
    }

    @Override
    public XVerExtensionStatus status(String url) {
        return packaged(url) != null ? XVerExtensionStatus.Valid : super.status(url);
    }

    @Override
    public StructureDefinition getDefinition(String url) {
        StructureDefinition packaged = packaged(url);
        return packaged != null ? packaged : super.getDefinition(url);
    }

    private StructureDefinition packaged(String url) {
        return context.fetchResource(StructureDefinition.class, url);
    }
}
