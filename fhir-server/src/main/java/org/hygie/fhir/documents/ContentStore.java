package org.hygie.fhir.documents;

import static org.hygie.fhir.error.FhirErrors.notFound;

import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.hygie.fhir.crypto.DataKeys;
import org.hygie.fhir.crypto.EnvelopeCipher;
import org.hygie.fhir.error.FhirErrors;
import org.hygie.fhir.storage.index.IndexProtector;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Binary content in 1 MiB chunks, each sealed under the data key of the patient's compartment (or the
 * directory key), so a 100 MB document is written and read with a few MiB of memory. Writes happen in
 * the caller's transaction: content and the Binary resource naming it commit together.
 */
public final class ContentStore {
    static final int CHUNK = 1 << 20;

    /** What was stored: its id, size and SHA-1 (what MHD's attachment.hash holds). */
    public record Stored(String contentId, long size, byte[] sha1) {}

    private final JdbcTemplate jdbc;
    private final DataKeys dataKeys; // null in plaintext mode
    private final EnvelopeCipher cipher;
    private final IndexProtector protector;
    private final Clock clock;

    public ContentStore(JdbcTemplate jdbc, DataKeys dataKeys, EnvelopeCipher cipher, IndexProtector protector, Clock clock) {
        this.jdbc = jdbc;
        this.dataKeys = dataKeys;
        this.cipher = cipher;
        this.protector = protector;
        this.clock = clock;
    }

    /**
     * Streams {@code in} into sealed chunks under {@code patientId}'s compartment key (null: directory data);
     * more than {@code maxBytes} is a 413 (the caller's transaction then rolls the chunks back).
     */
    public Stored write(InputStream in, String patientId, long maxBytes) throws IOException {
        String contentId = UUID.randomUUID().toString();
        DataKeys.DataKey key = dataKeys == null ? null
                : dataKeys.forCompartment(patientId == null ? DataKeys.DIRECTORY : protector.compartmentKey(patientId));
        jdbc.update("insert into binary_content (content_id, key_id, size, chunk_count, created) values (?, ?, 0, 0, ?)",
                contentId, key == null ? "none" : key.id(), Timestamp.from(clock.instant()));
        MessageDigest sha1 = sha1();
        byte[] buffer = new byte[CHUNK];
        byte[] next = new byte[CHUNK];
        int filled = in.readNBytes(buffer, 0, CHUNK);
        long size = 0;
        int chunkNo = 0;
        while (true) {
            int nextFilled = filled == CHUNK ? in.readNBytes(next, 0, CHUNK) : 0;
            boolean last = nextFilled == 0;
            size += filled;
            if (size > maxBytes) {
                throw tooLarge(maxBytes);
            }
            sha1.update(buffer, 0, filled);
            byte[] plain = filled == CHUNK ? buffer : java.util.Arrays.copyOf(buffer, filled);
            byte[] stored = key == null ? plain.clone() : cipher.seal(key.key(), plain, aad(contentId, chunkNo, last));
            jdbc.update("insert into binary_chunk (content_id, chunk_no, payload) values (?, ?, ?)", contentId, chunkNo, stored);
            chunkNo++;
            if (last) {
                break;
            }
            byte[] swap = buffer;
            buffer = next;
            next = swap;
            filled = nextFilled;
        }
        jdbc.update("update binary_content set size = ?, chunk_count = ? where content_id = ?", size, chunkNo, contentId);
        return new Stored(contentId, size, sha1.digest());
    }

    /** Writes bytes [{@code from}, {@code to}) of the content to {@code out}, decrypting a chunk at a time. */
    public void read(String contentId, long from, long to, OutputStream out) throws IOException {
        List<Object[]> header = jdbc.query("select key_id, chunk_count from binary_content where content_id = ?",
                (rs, i) -> new Object[] {rs.getString(1), rs.getInt(2)}, contentId);
        if (header.isEmpty()) {
            throw notFound("The content of this Binary is not stored (erased?)");
        }
        String keyId = (String) header.get(0)[0];
        int chunks = (Integer) header.get(0)[1];
        int first = (int) (from / CHUNK);
        int last = (int) Math.max(first, (to - 1) / CHUNK);
        for (int chunkNo = first; chunkNo <= last && chunkNo < chunks; chunkNo++) {
            List<byte[]> payload = jdbc.queryForList("select payload from binary_chunk where content_id = ? and chunk_no = ?",
                    byte[].class, contentId, chunkNo);
            if (payload.isEmpty()) {
                throw new EnvelopeCipher.TamperedException("chunk " + chunkNo + " of a document is missing");
            }
            byte[] plain = keyId.equals("none") ? payload.get(0)
                    : cipher.open(dataKeys.byId(keyId), payload.get(0), 0, aad(contentId, chunkNo, chunkNo == chunks - 1));
            long chunkStart = (long) chunkNo * CHUNK;
            int offset = (int) Math.max(0, from - chunkStart);
            int end = (int) Math.min(plain.length, to - chunkStart);
            if (end > offset) {
                out.write(plain, offset, end - offset);
            }
        }
    }

    private static byte[] aad(String contentId, int chunkNo, boolean last) {
        return ("hygie-binary|" + contentId + "|" + chunkNo + "|" + (last ? "last" : "more")).getBytes(StandardCharsets.UTF_8);
    }

    static PayloadTooLargeException tooLarge(long maxBytes) {
        PayloadTooLargeException e = new PayloadTooLargeException("Document content is larger than the limit of " + maxBytes
                + " bytes (hygie.documents.max-bytes)");
        e.setOperationOutcome(FhirErrors.outcome(org.hl7.fhir.r4.model.OperationOutcome.IssueType.TOOLONG, e.getMessage(), "Binary.data"));
        return e;
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
