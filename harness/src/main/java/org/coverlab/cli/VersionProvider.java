package org.coverlab.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** {@code coverlab --version}: the harness version from the jar's Maven metadata, and the Java runtime. */
public final class VersionProvider implements CommandLine.IVersionProvider {

    private static final String POM_PROPERTIES = "/META-INF/maven/org.coverlab/coverlab-harness/pom.properties";

    @Override
    public String[] getVersion() {
        return new String[] {"coverlab " + harnessVersion(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }

    /** The version of the built jar, or "development build" when running from compiled classes. */
    public static String harnessVersion() {
        try (InputStream in = VersionProvider.class.getResourceAsStream(POM_PROPERTIES)) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            }
        } catch (IOException e) {
            // fall through
        }
        return "development build";
    }
}
