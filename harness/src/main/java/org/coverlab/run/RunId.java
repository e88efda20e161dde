package org.coverlab.run;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/** Run ids: 8 lowercase base-36 characters ([0-9a-z]), drawn from a SecureRandom (about 2.8e12 values). */
public final class RunId {

    public static final int LENGTH = 8;
    private static final Pattern VALID = Pattern.compile("[0-9a-z]{" + LENGTH + "}");
    private static final String ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

    private final SecureRandom random;

    public RunId(SecureRandom random) {
        this.random = random;
    }

    public RunId() {
        this(new SecureRandom());
    }

    public String next() {
        char[] id = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            id[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        }
        return new String(id);
    }

    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }
}
