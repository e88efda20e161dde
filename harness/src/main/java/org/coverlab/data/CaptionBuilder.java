package org.coverlab.data;

import org.coverlab.spec.DatasetSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds an example's caption: one template chosen from a seeded stream keyed by (seed, epoch, image index), so the
 * same example gets the same caption in a resumed run and possibly a different one next epoch (as the original, which
 * drew a template each time an example was loaded). Templates are validated when the builder is made.
 */
public final class CaptionBuilder {

    private final List<CaptionTemplate> templates;
    private final boolean includeDescription;
    private final String legibleText;
    private final long seed;

    public CaptionBuilder(DatasetSpec.CaptionSpec spec, long seed) {
        if (spec.templates() == null || spec.templates().isEmpty()) {
            throw new DataException("dataset.captions.templates: at least one caption template is required");
        }
        List<CaptionTemplate> parsed = new ArrayList<>();
        for (int i = 0; i < spec.templates().size(); i++) {
            parsed.add(CaptionTemplate.parse(spec.templates().get(i), "dataset.captions.templates[" + i + "]"));
        }
        this.templates = List.copyOf(parsed);
        this.includeDescription = spec.includeDescription();
        this.legibleText = spec.legibleText() == null ? "" : spec.legibleText();
        this.seed = seed;
    }

    public List<CaptionTemplate> templates() {
        return templates;
    }

    /** Which template the example gets in that epoch. */
    public int templateIndex(BookRecord book, int epoch) {
        return Seeds.choose(templates.size(), seed, Seeds.Purpose.CAPTION, epoch, book.imageIndex());
    }

    public String caption(BookRecord book, int epoch) {
        if (book.hasFixedCaption()) {
            return CaptionTemplate.tidy(book.caption());
        }
        CaptionTemplate t = templates.get(templateIndex(book, epoch));
        String genres = String.join(", ", book.genres().subList(0, Math.min(3, book.genres().size())));
        String caption = t.render(Map.of(
                "title", book.title(),
                "author", AuthorNames.join(book.authors()),
                "genre", book.genres().isEmpty() ? "" : book.genres().get(0),
                "genres", genres,
                "legible", legibleText,
                "description", book.description()));
        if (includeDescription && !t.uses("description") && !book.description().isBlank()) {
            caption = caption + (caption.endsWith(".") ? " " : ". ") + book.description();
        }
        return caption;
    }
}
