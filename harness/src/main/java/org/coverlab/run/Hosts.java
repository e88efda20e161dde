package org.coverlab.run;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** This machine's name for run records. */
final class Hosts {

    private Hosts() {}

    static String name() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
