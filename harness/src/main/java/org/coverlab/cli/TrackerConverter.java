package org.coverlab.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.coverlab.spec.TrackingSpec.Backend;
import picocli.CommandLine;

/** {@code --tracker NAME}: a tracking backend by its spec key (local, wandb, mlflow), case-insensitive. */
final class TrackerConverter implements CommandLine.ITypeConverter<Backend> {

    @Override
    public Backend convert(String value) {
        String key = value.strip().toLowerCase(Locale.ROOT);
        for (Backend b : Backend.values()) {
            if (b.key().equals(key)) {
                return b;
            }
        }
        throw new CommandLine.TypeConversionException("unknown tracker '" + value + "'; expected " + names(List.of(Backend.values())));
    }

    /** "local, wandb or mlflow". */
    static String names(List<Backend> backends) {
        List<String> keys = backends.stream().map(Backend::key).toList();
        return keys.size() == 1 ? keys.get(0)
                : String.join(", ", keys.subList(0, keys.size() - 1)) + " or " + keys.get(keys.size() - 1);
    }

    static List<Backend> remote() {
        return Arrays.stream(Backend.values()).filter(Backend::isRemote).toList();
    }
}
