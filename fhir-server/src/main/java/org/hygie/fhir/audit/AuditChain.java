package org.hygie.fhir.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Chains stored AuditEvents so that tampering is detectable: each link hashes the previous link, the
 * event's id and the hash of its stored (encrypted) payload. Sealing runs after the events commit, in the
 * order the sealer finds them, so writers never wait on one another for the chain; one instance seals at a
 * time (advisory lock). Verifying needs no key, and still holds after crypto-shredding erased payloads
 * (their hash stays in the chain).
 */
public final class AuditChain {
    private static final long LOCK = 0x4879676965417564L; // "HygieAud"
    private static final int BATCH = 1000;
    private static final byte[] GENESIS = new byte[32];
    /**
     * The oldest unchained AuditEvents with their first version, from the short pending list: each looked
     * up by key in a fenced lateral step, so the plan cannot depend on statistics (as one join, the plan
     * PostgreSQL kept from a fresh database walked every first version of every resource to find them).
     */
    public static final String PENDING = """
            select p.resource_pk, r.res_id, v.payload from (select resource_pk from audit_pending order by resource_pk limit ?) p
            cross join lateral (select r.res_id from resource r where r.pk = p.resource_pk offset 0) r
            cross join lateral (select v.payload from resource_version v where v.resource_pk = p.resource_pk and v.version = 1 offset 0) v
            order by p.resource_pk""";

    /** What verification found; {@code problems} empty means intact. */
    public record Report(long sealed, long erased, long unsealed, List<String> problems) {
        public boolean intact() {
            return problems.isEmpty();
        }
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;

    public AuditChain(JdbcTemplate jdbc, TransactionTemplate tx, Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.clock = clock;
    }

    /** Chains every committed, not yet chained AuditEvent; returns how many (0 if another instance is sealing). */
    public int seal() {
        int total = 0;
        int batch;
        do {
            Integer sealed = tx.execute(status -> {
                if (!Boolean.TRUE.equals(jdbc.queryForObject("select pg_try_advisory_xact_lock(?)", Boolean.class, LOCK))) {
                    return -1;
                }
                List<Object[]> last = jdbc.query("select seq, hash from audit_chain order by seq desc limit 1",
                        (rs, i) -> new Object[] {rs.getLong(1), rs.getBytes(2)});
                long seq = last.isEmpty() ? 0 : (Long) last.get(0)[0];
                byte[] previous = last.isEmpty() ? GENESIS : (byte[]) last.get(0)[1];
                List<Object[]> pending = jdbc.query(PENDING, (rs, i) -> new Object[] {rs.getLong(1), rs.getString(2), rs.getBytes(3)}, BATCH);
                Timestamp now = Timestamp.from(clock.instant());
                List<Object[]> rows = new ArrayList<>();
                for (Object[] p : pending) {
                    byte[] payloadHash = sha256((byte[]) p[2] == null ? new byte[0] : (byte[]) p[2]);
                    byte[] hash = link(previous, (String) p[1], payloadHash);
                    rows.add(new Object[] {++seq, p[0], p[1], payloadHash, previous, hash, now});
                    previous = hash;
                }
                jdbc.batchUpdate("insert into audit_chain (seq, resource_pk, res_id, payload_hash, prev_hash, hash, sealed_at)"
                        + " values (?, ?, ?, ?, ?, ?, ?)", rows);
                jdbc.batchUpdate("delete from audit_pending where resource_pk = ?", rows.stream().map(r -> new Object[] {r[1]}).toList());
                return rows.size();
            });
            batch = sealed == null ? 0 : sealed;
            total += Math.max(batch, 0);
        } while (batch == BATCH);
        return total;
    }

    /**
     * Walks the chain: every link must follow the previous one and hash to what it says; every payload still
     * present must hash to its link's payload hash; no AuditEvent may have a second version or a deletion;
     * and none may stay unchained longer than {@code grace} (one removed before sealing would go unnoticed).
     */
    public Report verify(Duration grace) {
        List<String> problems = new ArrayList<>();
        long[] counts = new long[2];
        byte[][] previous = {GENESIS};
        jdbc.query("""
                select c.seq, c.res_id, c.payload_hash, c.prev_hash, c.hash, v.payload, v.resource_pk is null
                from audit_chain c left join resource_version v on v.resource_pk = c.resource_pk and v.version = 1
                order by c.seq""", rs -> {
            long seq = rs.getLong(1);
            String id = rs.getString(2);
            byte[] payloadHash = rs.getBytes(3);
            byte[] hash = rs.getBytes(5);
            if (!Arrays.equals(rs.getBytes(4), previous[0])) {
                problems.add("link " + seq + " (AuditEvent/" + id + ") does not follow the previous link: a record was removed or reordered");
            }
            if (!Arrays.equals(link(rs.getBytes(4), id, payloadHash), hash)) {
                problems.add("link " + seq + " (AuditEvent/" + id + ") was altered");
            }
            byte[] payload = rs.getBytes(6);
            if (rs.getBoolean(7)) {
                problems.add("AuditEvent/" + id + " (link " + seq + ") is missing from the store");
            } else if (payload == null) {
                counts[1]++;
            } else if (!Arrays.equals(sha256(payload), payloadHash)) {
                problems.add("AuditEvent/" + id + " (link " + seq + ") was modified after it was recorded");
            }
            previous[0] = hash;
            counts[0]++;
        });
        // a deletion is only legitimate as crypto-shredding, which also erases the payload
        jdbc.query("""
                select r.res_id, r.version, r.deleted from resource r where r.res_type = 'AuditEvent' and (r.version > 1
                or (r.deleted and exists (select 1 from resource_version v where v.resource_pk = r.pk and v.payload is not null)))""",
                rs -> {
                    problems.add("AuditEvent/" + rs.getString(1) + " has a version " + rs.getInt(2) + (rs.getBoolean(3) ? " (deleted)" : ""));
                });
        // every AuditEvent must be chained or queued: one that is neither was removed from the queue
        Long lost = jdbc.queryForObject("""
                select count(*) from resource r where r.res_type = 'AuditEvent'
                and not exists (select 1 from audit_chain c where c.resource_pk = r.pk)
                and not exists (select 1 from audit_pending p where p.resource_pk = r.pk)""", Long.class);
        if (lost != null && lost > 0) {
            problems.add(lost + " AuditEvents are neither chained nor queued for chaining");
        }
        Long unsealed = jdbc.queryForObject("select count(*) from audit_pending", Long.class);
        Long stale = jdbc.queryForObject("""
                select count(*) from audit_pending p join resource r on r.pk = p.resource_pk where r.last_updated < ?""", Long.class,
                Timestamp.from(clock.instant().minus(grace)));
        if (stale != null && stale > 0) {
            problems.add(stale + " AuditEvents older than " + grace.toSeconds() + " s are not chained (is a sealer running?)");
        }
        return new Report(counts[0], counts[1], unsealed == null ? 0 : unsealed, List.copyOf(problems));
    }

    private static byte[] link(byte[] previous, String id, byte[] payloadHash) {
        MessageDigest sha = sha();
        sha.update(previous);
        sha.update(id.getBytes(StandardCharsets.UTF_8));
        sha.update(payloadHash);
        return sha.digest();
    }

    private static byte[] sha256(byte[] data) {
        return sha().digest(data);
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
