package org.hygie.testdata;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/**
 * A deterministic synthetic directory for benchmarks and demos: practitioners (RPPS-like test ids,
 * TRE-G15 profession), their organizations, their roles (TRE-R38 specialties, weekly opening hours),
 * locations in French cities with coordinates, schedules, and free or busy 15-minute slots over a number
 * of weeks (Europe/Paris working days, 9:00-12:00 and 14:00-18:00), plus patients (test INS) with a few
 * appointments (reason, visit type) and a consultation report each. Written as FHIR transaction Bundles, one per group of
 * practitioners, so any FHIR server can load them. Same seed, same bytes.
 *
 * <p>Usage: {@code java -cp hygie-test-data.jar org.hygie.testdata.DirectoryGenerator OUT_DIR
 * [practitioners=1000] [weeks=2] [seed=42] [patients=0]}. Patients (test INS) come in a last Bundle, each with
 * five appointments with practitioners found by conditional reference on their RPPS id, so that Bundle
 * loads after the others. All names and identifiers are synthetic (test systems).
 */
public final class DirectoryGenerator {
    static final String RPPS = "https://rpps.esante.gouv.fr";
    static final String SPECIALTY = "https://mos.esante.gouv.fr/NOS/TRE_R38-SpecialiteOrdinale/FHIR/TRE-R38-SpecialiteOrdinale";
    static final String INS_TEST = "urn:oid:1.2.250.1.213.1.4.10";
    static final String IDNPS = "urn:oid:1.2.250.1.71.4.2.1";
    static final String PROFESSION = "https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante";
    static final String VISIT_TYPES = "https://fhir.hygie.health/CodeSystem/visit-types";
    static final String REASONS = "https://fhir.hygie.health/CodeSystem/appointment-reasons";
    static final String[] REASON_CODES = {"first-visit", "follow-up", "acute", "renewal", "results", "certificate", "vaccination", "prevention"};
    /** Opening hours of every role, as slot generation reads them: weekdays 9:00-12:00 and 14:00-18:00. */
    static final String WEEKLY_HOURS = "{\"daysOfWeek\":[\"mon\",\"tue\",\"wed\",\"thu\",\"fri\"],\"availableStartTime\":\"09:00:00\","
            + "\"availableEndTime\":\"12:00:00\"},{\"daysOfWeek\":[\"mon\",\"tue\",\"wed\",\"thu\",\"fri\"],\"availableStartTime\":\"14:00:00\","
            + "\"availableEndTime\":\"18:00:00\"}";
    static final String TEST_TAG = "{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActReason\",\"code\":\"HTEST\"}";
    static final String[] SPECIALTIES = {"SM54", "SM54", "SM54", "SM54", "SM04", "SM15", "SM16", "SM03", "SM54", "SM04"};
    static final String[][] CITIES = {
        {"Paris", "75011", "48.8566", "2.3522"}, {"Lyon", "69002", "45.7640", "4.8357"}, {"Marseille", "13001", "43.2965", "5.3698"},
        {"Toulouse", "31000", "43.6047", "1.4442"}, {"Nantes", "44000", "47.2184", "-1.5536"}, {"Lille", "59000", "50.6292", "3.0573"},
        {"Rennes", "35000", "48.1173", "-1.6778"}, {"Strasbourg", "67000", "48.5734", "7.7521"}, {"Bordeaux", "33000", "44.8378", "-0.5792"},
        {"Limoges", "87000", "45.8336", "1.2611"}};
    static final String[] FAMILIES = {"Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent",
        "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard"};
    static final String[] GIVENS = {"Camille", "Louise", "Hugo", "Léa", "Jules", "Chloé", "Lucas", "Manon", "Arthur", "Inès"};
    static final int GROUP = 50;
    static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    static final DateTimeFormatter INSTANT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX", Locale.ROOT);

    private final Random random;
    private final LocalDate firstMonday;
    private final int weeks;

    DirectoryGenerator(long seed, LocalDate firstMonday, int weeks) {
        this.random = new Random(seed);
        this.firstMonday = firstMonday;
        this.weeks = weeks;
    }

    /** A test INS: a 13-digit NIR-shaped number (sex digit 2) and its key, 97 - NIR mod 97 (15 characters, as the INS). */
    static String testIns(int i) {
        String nir = String.format("2%012d", i);
        return nir + String.format("%02d", 97 - Long.parseLong(nir) % 97);
    }

    static final String USAGE = "usage: DirectoryGenerator OUT_DIR [--practitioners N] [--weeks W] [--seed S] [--patients P]\n"
            + "   or: DirectoryGenerator OUT_DIR [practitioners=1000] [weeks=2] [seed=42] [patients=0]";

    public static void main(String[] args) throws IOException {
        java.util.Map<String, String> named = new java.util.HashMap<>();
        java.util.List<String> positional = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                String name = args[i].contains("=") ? args[i].substring(2, args[i].indexOf('=')) : args[i].substring(2);
                String value = args[i].contains("=") ? args[i].substring(args[i].indexOf('=') + 1) : (i + 1 < args.length ? args[++i] : null);
                if (value == null || !java.util.Set.of("practitioners", "weeks", "seed", "patients").contains(name)) {
                    System.err.println(USAGE);
                    System.exit(2);
                }
                named.put(name, value);
            } else {
                positional.add(args[i]);
            }
        }
        if (positional.isEmpty()) {
            System.err.println(USAGE);
            System.exit(2);
        }
        Path out = Path.of(positional.get(0));
        int practitioners = Integer.parseInt(named.getOrDefault("practitioners", positional.size() > 1 ? positional.get(1) : "1000"));
        int weeks = Integer.parseInt(named.getOrDefault("weeks", positional.size() > 2 ? positional.get(2) : "2"));
        long seed = Long.parseLong(named.getOrDefault("seed", positional.size() > 3 ? positional.get(3) : "42"));
        int patients = Integer.parseInt(named.getOrDefault("patients", positional.size() > 4 ? positional.get(4) : "0"));
        Files.createDirectories(out);
        DirectoryGenerator generator = new DirectoryGenerator(seed, LocalDate.of(2027, 3, 1), weeks);
        long slots = 0;
        for (int group = 0; group * GROUP < practitioners; group++) {
            Path file = out.resolve(String.format("directory-%05d.json", group));
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                slots += generator.group(w, group, Math.min(GROUP, practitioners - group * GROUP));
            }
        }
        if (patients > 0) {
            try (Writer w = Files.newBufferedWriter(out.resolve("patients.json"), StandardCharsets.UTF_8)) {
                generator.patients(w, patients, practitioners);
            }
        }
        System.out.println(practitioners + " practitioners, " + slots + " slots, " + patients + " patients in " + out);
    }

    /** One transaction Bundle: the group's location, practitioners, roles, schedules and slots. */
    long group(Writer w, int group, int count) throws IOException {
        String[] city = CITIES[group % CITIES.length];
        String location = uuid();
        String organization = uuid();
        w.write("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[");
        entry(w, organization, "Organization", "{\"resourceType\":\"Organization\",\"meta\":{\"tag\":[" + TEST_TAG + "]},\"active\":true,"
                + "\"name\":\"Maison de santé " + group + " (" + city[0] + ")\",\"address\":[{\"city\":\"" + city[0] + "\",\"postalCode\":\""
                + city[1] + "\"}]}", true);
        w.write(",");
        entry(w, location, "Location", "{\"resourceType\":\"Location\",\"meta\":{\"tag\":[" + TEST_TAG + "]},\"status\":\"active\","
                + "\"managingOrganization\":{\"reference\":\"urn:uuid:" + organization + "\"},\"name\":\"Maison de santé "
                + group + "\",\"address\":{\"city\":\"" + city[0] + "\",\"postalCode\":\"" + city[1] + "\"},\"position\":{\"latitude\":"
                + jitter(city[2]) + ",\"longitude\":" + jitter(city[3]) + "}}", true);
        long slots = 0;
        for (int i = 0; i < count; i++) {
            int n = group * GROUP + i;
            String practitioner = uuid();
            String role = uuid();
            String schedule = uuid();
            String rpps = String.format("1%010d", n);
            w.write(",");
            entry(w, practitioner, "Practitioner", "{\"resourceType\":\"Practitioner\",\"meta\":{\"tag\":[" + TEST_TAG + "]},\"identifier\":[{\"system\":\""
                    + RPPS + "\",\"value\":\"" + rpps + "\"},{\"system\":\"" + IDNPS + "\",\"value\":\"8" + rpps + "\"}],\"name\":[{\"family\":\""
                    + pick(FAMILIES) + "\",\"given\":[\"" + pick(GIVENS) + "\"]}],\"qualification\":[{\"code\":{\"coding\":[{\"system\":\"" + PROFESSION
                    + "\",\"code\":\"10\",\"display\":\"Médecin\"}]}}]}", false);
            w.write(",");
            entry(w, role, "PractitionerRole", "{\"resourceType\":\"PractitionerRole\",\"meta\":{\"tag\":[" + TEST_TAG + "]},\"active\":true,"
                    + "\"practitioner\":{\"reference\":\"urn:uuid:" + practitioner + "\"},\"location\":[{\"reference\":\"urn:uuid:" + location
                    + "\"}],\"organization\":{\"reference\":\"urn:uuid:" + organization + "\"},\"specialty\":[{\"coding\":[{\"system\":\""
                    + SPECIALTY + "\",\"code\":\"" + pick(SPECIALTIES) + "\"}]}],\"availableTime\":[" + WEEKLY_HOURS + "]}", false);
            w.write(",");
            entry(w, schedule, "Schedule", "{\"resourceType\":\"Schedule\",\"meta\":{\"tag\":[" + TEST_TAG + "]},\"active\":true,\"actor\":[{\"reference\":\"urn:uuid:"
                    + role + "\"},{\"reference\":\"urn:uuid:" + practitioner + "\"}]}", false);
            slots += slots(w, schedule);
        }
        w.write("]}");
        return slots;
    }

    /** Patients with test INS numbers, each with five booked appointments with random practitioners. */
    void patients(Writer w, int count, int practitioners) throws IOException {
        w.write("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[");
        for (int i = 0; i < count; i++) {
            String patient = uuid();
            w.write(i == 0 ? "" : ",");
            entry(w, patient, "Patient", "{\"resourceType\":\"Patient\",\"meta\":{\"tag\":[" + TEST_TAG + "]},\"identifier\":[{\"system\":\""
                    + INS_TEST + "\",\"value\":\"" + testIns(i) + "\"}],\"name\":[{\"family\":\"" + pick(FAMILIES)
                    + "\",\"given\":[\"" + pick(GIVENS) + "\"]}],\"birthDate\":\"" + (1940 + random.nextInt(80)) + "-0" + (1 + random.nextInt(9)) + "-1"
                    + random.nextInt(10) + "\"}", false);
            for (int a = 0; a < 5; a++) {
                ZonedDateTime start = firstMonday.plusDays(random.nextInt(Math.max(1, weeks * 7))).atTime(9 + random.nextInt(8), 15 * random.nextInt(4)).atZone(PARIS);
                String rpps = String.format("1%010d", random.nextInt(practitioners));
                w.write(",");
                entry(w, null, "Appointment", "{\"resourceType\":\"Appointment\",\"status\":\"booked\",\"appointmentType\":{\"coding\":[{\"system\":\""
                        + VISIT_TYPES + "\",\"code\":\"office\"}]},\"reasonCode\":[{\"coding\":[{\"system\":\"" + REASONS + "\",\"code\":\""
                        + pick(REASON_CODES) + "\"}]}],\"start\":\"" + INSTANT.format(start)
                        + "\",\"end\":\"" + INSTANT.format(start.plusMinutes(15)) + "\",\"participant\":[{\"actor\":{\"reference\":\"urn:uuid:" + patient
                        + "\"},\"status\":\"accepted\"},{\"actor\":{\"reference\":\"Practitioner?identifier=" + RPPS + "|" + rpps
                        + "\"},\"status\":\"accepted\"}]}", false);
            }
            // a consultation report (IHE MHD minimal metadata), written by one of the practitioners, content inline
            String author = String.format("1%010d", random.nextInt(practitioners));
            String report = java.util.Base64.getEncoder().encodeToString(("Compte rendu de consultation (données de test) " + i)
                    .getBytes(StandardCharsets.UTF_8));
            w.write(",");
            entry(w, null, "DocumentReference", "{\"resourceType\":\"DocumentReference\",\"meta\":{\"tag\":[" + TEST_TAG + "]},"
                    + "\"status\":\"current\",\"type\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"11488-4\",\"display\":"
                    + "\"Consult note\"}]},\"subject\":{\"reference\":\"urn:uuid:" + patient + "\"},\"date\":\""
                    + INSTANT.format(firstMonday.atTime(10, 0).atZone(PARIS)) + "\",\"author\":[{\"reference\":\"Practitioner?identifier=" + RPPS
                    + "|" + author + "\"}],\"content\":[{\"attachment\":{\"contentType\":\"text/plain;charset=utf-8\",\"language\":\"fr-FR\","
                    + "\"data\":\"" + report + "\",\"title\":\"Compte rendu\"}}]}", false);
        }
        w.write("]}");
    }

    private long slots(Writer w, String schedule) throws IOException {
        long n = 0;
        for (int week = 0; week < weeks; week++) {
            for (int day = 0; day < 5; day++) {
                LocalDate date = firstMonday.plusWeeks(week).with(DayOfWeek.MONDAY).plusDays(day);
                for (LocalTime t = LocalTime.of(9, 0); t.isBefore(LocalTime.of(18, 0)); t = t.plusMinutes(15)) {
                    if (!t.isBefore(LocalTime.of(12, 0)) && t.isBefore(LocalTime.of(14, 0))) {
                        continue;
                    }
                    ZonedDateTime start = date.atTime(t).atZone(PARIS);
                    String status = random.nextInt(10) < 3 ? "busy" : "free";
                    w.write(",");
                    entry(w, null, "Slot", "{\"resourceType\":\"Slot\",\"schedule\":{\"reference\":\"urn:uuid:" + schedule + "\"},\"status\":\""
                            + status + "\",\"start\":\"" + INSTANT.format(start) + "\",\"end\":\"" + INSTANT.format(start.plusMinutes(15)) + "\"}", false);
                    n++;
                }
            }
        }
        return n;
    }

    private void entry(Writer w, String uuid, String type, String resource, boolean first) throws IOException {
        w.write("{");
        if (uuid != null) {
            w.write("\"fullUrl\":\"urn:uuid:" + uuid + "\",");
        }
        w.write("\"resource\":" + resource + ",\"request\":{\"method\":\"POST\",\"url\":\"" + type + "\"}}");
    }

    private String uuid() {
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }

    private String jitter(String degrees) {
        return String.format(Locale.ROOT, "%.4f", Double.parseDouble(degrees) + (random.nextDouble() - 0.5) * 0.1);
    }
}
