package org.coverlab.track.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MlflowCredentialsTest {

    @Test
    void usernameAndPasswordMakeBasicAuthAndWinOverAToken() {
        MlflowCredentials c = MlflowCredentials.fromEnv(Map.of("MLFLOW_TRACKING_USERNAME", "ann",
                "MLFLOW_TRACKING_PASSWORD", "pw:with:colons", "MLFLOW_TRACKING_TOKEN", "tok"));
        assertTrue(c.isBasic());
        assertFalse(c.isToken());
        String expected = Base64.getEncoder().encodeToString("ann:pw:with:colons".getBytes(StandardCharsets.UTF_8));
        assertEquals(Optional.of("Basic " + expected), c.authorizationHeader());
    }

    @Test
    void tokenAloneMakesBearerAuth() {
        MlflowCredentials c = MlflowCredentials.fromEnv(Map.of("MLFLOW_TRACKING_TOKEN", "tok-123"));
        assertEquals(Optional.of("Bearer tok-123"), c.authorizationHeader());
    }

    @Test
    void noVariablesMeanNoAuthorizationHeader() {
        assertEquals(Optional.empty(), MlflowCredentials.fromEnv(Map.of()).authorizationHeader());
        assertEquals(Optional.empty(), MlflowCredentials.fromEnv(Map.of("MLFLOW_TRACKING_TOKEN", " ")).authorizationHeader());
    }

    @Test
    void usernameWithoutPasswordIsAnErrorThatQuotesNeither() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MlflowCredentials.fromEnv(Map.of("MLFLOW_TRACKING_USERNAME", "ann-the-admin")));
        assertTrue(e.getMessage().contains("MLFLOW_TRACKING_PASSWORD"), e.getMessage());
        assertFalse(e.getMessage().contains("ann-the-admin"));
    }

    @Test
    void secretsAndTheirEncodingAreRedactedFromTextAndToString() {
        MlflowCredentials c = MlflowCredentials.basic("ann", "s3cr3t-pw");
        String encoded = Base64.getEncoder().encodeToString("ann:s3cr3t-pw".getBytes(StandardCharsets.UTF_8));
        assertEquals("got *** and Basic ***", c.redact("got s3cr3t-pw and Basic " + encoded));
        assertFalse(c.toString().contains("s3cr3t-pw"));
        assertFalse(MlflowCredentials.token("tok-xyz").toString().contains("tok-xyz"));
        assertEquals("bearer ***", MlflowCredentials.token("tok-xyz").redact("bearer tok-xyz"));
    }

    @Test
    void shortSecretsAreMaskedTooAndUrlCredentialsAreStripped() {
        MlflowCredentials c = MlflowCredentials.basic("ann", "pw1");
        assertEquals("password *** rejected", c.redact("password pw1 rejected"));
        String safe = c.redact("GET http://ann:hunter22@mlflow.local/api?token=abc failed");
        assertEquals("GET http://***@mlflow.local/api?*** failed", safe);
    }
}
