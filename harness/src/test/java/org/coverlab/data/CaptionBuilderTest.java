package org.coverlab.data;

import org.coverlab.spec.DatasetSpec;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CaptionBuilderTest {

    static BookRecord book(int index, String title, List<String> authors, String desc, List<String> genres) {
        return new BookRecord(index, index, index + 2, title, authors, desc, genres, "", "", "", "", "", "", "", "", null);
    }

    private static final BookRecord HP = book(0, "Harry Potter and the Sorcerer's Stone",
            List.of("J.K. Rowling", "Mary GrandPré"), "A boy wizard.", List.of("Fantasy", "Young Adult", "Fiction"));

    private static DatasetSpec.CaptionSpec only(String template, boolean description, String legible) {
        return new DatasetSpec.CaptionSpec(List.of(template), description, legible);
    }

    @Test
    void originalTemplateWithEmptyLegibleTextHasNoDoubleSpaceAndJoinedAuthors() {
        String c = new CaptionBuilder(only("A {legible} book cover with author {author}, book title {title}", false, ""), 1)
                .caption(HP, 0);
        assertEquals("A book cover with author J.K. Rowling and Mary GrandPré, book title Harry Potter and the Sorcerer's Stone", c);
    }

    @Test
    void legibleTextGenreAndDescriptionAreFilledIn() {
        CaptionBuilder b = new CaptionBuilder(only("A {legible} {genre} book cover of {title}", true, "legible text"), 1);
        assertEquals("A legible text Fantasy book cover of Harry Potter and the Sorcerer's Stone. A boy wizard.", b.caption(HP, 3));
        CaptionBuilder placed = new CaptionBuilder(only("{title}: {description} ({genres})", true, ""), 1);
        assertEquals("Harry Potter and the Sorcerer's Stone: A boy wizard. (Fantasy, Young Adult, Fiction)", placed.caption(HP, 0),
                "a template that places {description} itself does not get it appended again");
    }

    @Test
    void authorListsReadAsEnglish() {
        assertEquals("A", AuthorNames.join(List.of("A")));
        assertEquals("A and B", AuthorNames.join(List.of("A", "B")));
        assertEquals("A, B and C", AuthorNames.join(List.of("A", "B", "C")));
        assertEquals("A, B, C and others", AuthorNames.join(List.of("A", "B", "C", "D")));
        assertEquals("", AuthorNames.join(List.of()));
    }

    @Test
    void unknownPlaceholderFailsNamingTheTemplate() {
        DatasetSpec.CaptionSpec bad = new DatasetSpec.CaptionSpec(List.of("{title} by {author}", "A cover by {autor}"), false, "");
        DataException e = assertThrows(DataException.class, () -> new CaptionBuilder(bad, 0));
        assertTrue(e.getMessage().contains("dataset.captions.templates[1]"), e.getMessage());
        assertTrue(e.getMessage().contains("A cover by {autor}"), e.getMessage());
        assertTrue(e.getMessage().contains("{autor}"), e.getMessage());
    }

    @Test
    void malformedBracesAndEmptyTemplatesFailAtLoad() {
        assertThrows(DataException.class, () -> CaptionTemplate.parse("A {title", "t"));
        assertThrows(DataException.class, () -> CaptionTemplate.parse("A title}", "t"));
        assertThrows(DataException.class, () -> CaptionTemplate.parse("  ", "t"));
        assertThrows(DataException.class, () -> new CaptionBuilder(new DatasetSpec.CaptionSpec(List.of(), false, ""), 0));
        assertEquals("{literal} Dune", CaptionTemplate.parse("{{literal}} {title}", "t").render(
                java.util.Map.of("title", "Dune", "author", "", "genre", "", "genres", "", "legible", "", "description", "")));
    }

    @Test
    void everyDefaultTemplateIsValid() {
        assertEquals(5, new CaptionBuilder(DatasetSpec.CaptionSpec.DEFAULT, 0).templates().size());
    }

    @Test
    void templateChoiceIsAFunctionOfSeedEpochAndExample() {
        CaptionBuilder a = new CaptionBuilder(DatasetSpec.CaptionSpec.DEFAULT, 42);
        CaptionBuilder b = new CaptionBuilder(DatasetSpec.CaptionSpec.DEFAULT, 42);
        Set<Integer> used = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            BookRecord r = book(i, "T" + i, List.of("A"), "d", List.of("G"));
            assertEquals(a.caption(r, 2), b.caption(r, 2), "a resumed run builds the same caption");
            used.add(a.templateIndex(r, 2));
        }
        assertEquals(5, used.size(), "all templates are used");
        int differ = 0;
        for (int i = 0; i < 200; i++) {
            BookRecord r = book(i, "T", List.of("A"), "d", List.of("G"));
            if (a.templateIndex(r, 0) != a.templateIndex(r, 1)) {
                differ++;
            }
        }
        assertTrue(differ > 100, "templates are redrawn per epoch: " + differ);
    }

    @Test
    void anEmptyFieldTakesItsClauseWithItInsteadOfLeavingDoubleCommasOrDanglingWords() {
        java.util.Map<String, String> values = new java.util.HashMap<>(java.util.Map.of("title", "The Road",
                "author", "Cormac McCarthy", "genre", "", "genres", "", "legible", "", "description", ""));
        assertEquals("Book cover, title The Road, author Cormac McCarthy",
                CaptionTemplate.parse("Book cover, {genre}, title {title}, author {author}", "t").render(values));
        values.put("genre", "Fiction");
        values.put("title", "");
        values.put("author", "Donna Tartt");
        assertEquals("A Fiction book cover by Donna Tartt",
                CaptionTemplate.parse("A {genre} book cover for {title} by {author}", "t").render(values));
        values.put("title", "The Secret History");
        values.put("author", "");
        assertEquals("A Fiction book cover for The Secret History",
                CaptionTemplate.parse("A {genre} book cover for {title} by {author}", "t").render(values));
        assertEquals("Book cover, Fiction, title The Secret History",
                CaptionTemplate.parse("Book cover, {genre}, title {title}, author {author}", "t").render(values));
    }
}
