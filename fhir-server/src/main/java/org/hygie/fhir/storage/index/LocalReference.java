package org.hygie.fhir.storage.index;

import java.util.regex.Pattern;

/** What a local reference looks like: {@code Type/id}, optionally {@code /_history/n}; ids are 1-64 of [A-Za-z0-9-.]. */
public final class LocalReference {
    public static final Pattern PATTERN = Pattern.compile("([A-Z][A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})(?:/_history/[^/]+)?");
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    private LocalReference() {}
}
