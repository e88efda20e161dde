package org.coverlab.track.wandb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The password of a {@code machine} entry in a netrc file, which is where {@code wandb login} stores the API key
 * ({@code machine api.wandb.ai login user password <key>}). Tokens may span lines; {@code default} entries apply when
 * no machine matches; {@code macdef} bodies are skipped.
 */
final class Netrc {

    private Netrc() {}

    static Optional<String> password(Path file, String host) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        List<String> tokens = tokens(Files.readAllLines(file));
        String defaultPassword = null;
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            boolean machine = token.equals("machine") && i + 1 < tokens.size();
            boolean fallback = token.equals("default");
            if (!machine && !fallback) {
                continue;
            }
            String name = machine ? tokens.get(++i) : null;
            String password = null;
            for (int j = i + 1; j < tokens.size(); j++) {
                String key = tokens.get(j);
                if (key.equals("machine") || key.equals("default")) {
                    break;
                }
                if ((key.equals("password") || key.equals("login") || key.equals("account")) && j + 1 < tokens.size()) {
                    if (key.equals("password")) {
                        password = tokens.get(j + 1);
                    }
                    j++;
                }
                i = j;
            }
            if (machine && host.equalsIgnoreCase(name) && password != null) {
                return Optional.of(password);
            }
            if (fallback && password != null && defaultPassword == null) {
                defaultPassword = password;
            }
        }
        return Optional.ofNullable(defaultPassword);
    }

    private static List<String> tokens(List<String> lines) {
        List<String> tokens = new ArrayList<>();
        boolean inMacro = false;
        for (String line : lines) {
            if (inMacro) {
                inMacro = !line.isBlank(); // a macro body ends at an empty line
                continue;
            }
            String trimmed = line.strip();
            if (trimmed.startsWith("#")) {
                continue;
            }
            for (String token : trimmed.split("\\s+")) {
                if (!token.isEmpty()) {
                    tokens.add(token);
                }
            }
            if (trimmed.startsWith("macdef")) {
                tokens.subList(tokens.size() - Math.min(2, tokens.size()), tokens.size()).clear();
                inMacro = true;
            }
        }
        return tokens;
    }
}
