package org.hygie.fhir.bundle;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hygie.fhir.storage.ReferenceScanner;
import org.hygie.fhir.storage.ResourceStore;

/**
 * The order a transaction writes its entries in: the spec's phases (DELETE, POST, PUT/PATCH, GET), and
 * within a phase, a resource another entry references before that entry. Write rules look at what a
 * resource references (booking locks the appointment's slots), so an Appointment listed before the
 * Slot it books, in one Bundle, must not be written first. Entries that reference each other in a
 * cycle keep the Bundle's order.
 */
final class WriteOrder {
    private WriteOrder() {}

    /** {@code keys}: entry index -> the resource it writes (after ids were assigned and references rewritten). */
    static List<EntryRequest> of(List<EntryRequest> requests, Map<Integer, ResourceStore.Key> keys, ReferenceScanner references) {
        List<EntryRequest> byPhase = new ArrayList<>(requests);
        byPhase.sort(Comparator.comparingInt(EntryRequest::phase));
        List<EntryRequest> ordered = new ArrayList<>();
        int start = 0;
        while (start < byPhase.size()) {
            int phase = byPhase.get(start).phase();
            int end = start;
            while (end < byPhase.size() && byPhase.get(end).phase() == phase) {
                end++;
            }
            ordered.addAll(dependenciesFirst(byPhase.subList(start, end), keys, references));
            start = end;
        }
        return ordered;
    }

    private static List<EntryRequest> dependenciesFirst(List<EntryRequest> phase, Map<Integer, ResourceStore.Key> keys,
                                                        ReferenceScanner references) {
        Map<ResourceStore.Key, EntryRequest> writer = new HashMap<>();
        for (EntryRequest r : phase) {
            ResourceStore.Key key = keys.get(r.index());
            if (key != null) {
                writer.put(key, r);
            }
        }
        Map<EntryRequest, Set<EntryRequest>> needs = new HashMap<>();
        for (EntryRequest r : phase) {
            Set<EntryRequest> before = new LinkedHashSet<>();
            if (r.entry().getResource() != null) {
                for (ResourceStore.Key target : references.localReferences(r.entry().getResource()).keySet()) {
                    EntryRequest w = writer.get(target);
                    if (w != null && w != r) {
                        before.add(w);
                    }
                }
            }
            needs.put(r, before);
        }
        List<EntryRequest> ordered = new ArrayList<>();
        Set<EntryRequest> done = new HashSet<>();
        boolean progress = true;
        while (ordered.size() < phase.size() && progress) {
            progress = false;
            for (EntryRequest r : phase) { // stable: the Bundle's order among the ready ones
                if (!done.contains(r) && done.containsAll(needs.get(r))) {
                    ordered.add(r);
                    done.add(r);
                    progress = true;
                }
            }
        }
        for (EntryRequest r : phase) { // a cycle: the rest in Bundle order
            if (!done.contains(r)) {
                ordered.add(r);
            }
        }
        return ordered;
    }
}
