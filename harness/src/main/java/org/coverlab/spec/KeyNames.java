package org.coverlab.spec;

/** Maps record component names (camelCase) to spec keys (lower snake_case); a digit after a letter starts a word (min8bitSize: min_8bit_size). */
final class KeyNames {
    private KeyNames() {
    }

    static String snakeCase(String camel) {
        StringBuilder out = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isDigit(c) && i > 0 && Character.isLetter(camel.charAt(i - 1))) {
                out.append('_').append(c);
            } else if (Character.isUpperCase(c)) {
                if (i > 0) {
                    out.append('_');
                }
                out.append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Joins a parent key path and a key ("train" + "epochs" = "train.epochs"). */
    static String join(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }
}
