package org.coverlab.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class RedactorTest {

    static final String KEY = "0123456789abcdef0123456789abcdef01234567";

    @Test
    void masksTheSecretAndItsBasicAuthEncoding() {
        String basic = Base64.getEncoder().encodeToString(("api:" + KEY).getBytes(StandardCharsets.UTF_8));
        Redactor redactor = Redactor.of(KEY);
        assertEquals("key *** header Basic ***", redactor.redact("key " + KEY + " header Basic " + basic));
    }

    @Test
    void stripsUserInfoAndQueryStringsFromUrls() {
        String text = "PUT https://bucket.example.com/media/a.png?X-Amz-Signature=abc&X-Amz-Credential=def failed; "
                + "see http://user:pw@host:8080/graphql";
        String redacted = Redactor.none().redact(text);
        assertEquals("PUT https://bucket.example.com/media/a.png?*** failed; see http://***@host:8080/graphql", redacted);
    }

    @Test
    void sanitizedExceptionsKeepClassNamesAndFramesButNotSecrets() {
        IOException cause = new IOException("unexpected end of stream on https://api.example.com/files?sig=" + KEY);
        RuntimeException error = new RuntimeException("call with " + KEY + " failed", cause);
        Redactor.RedactedException safe = Redactor.of(KEY).sanitize(error);
        assertTrue(safe.getMessage().startsWith("RuntimeException: call with *** failed"));
        assertTrue(safe.getCause().getMessage().startsWith("IOException: unexpected end of stream on https://api.example.com/files?***"));
        assertEquals(error.getStackTrace().length, safe.getStackTrace().length);
        assertFalse(Redactor.of(KEY).describe(error).contains(KEY));
    }

    @Test
    void ignoresBlankAndTinySecrets() {
        Redactor redactor = Redactor.of(null, "", "ab");
        assertEquals("ab cd", redactor.redact("ab cd"));
    }
}
