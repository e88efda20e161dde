package org.coverlab.data.synth;

import java.awt.Color;
import java.util.List;

/**
 * The genres of the synthetic set. Each has a Goodreads-style genre name, related genres for the CSV's genres column,
 * palettes (background top, background bottom, accent, text), title vocabulary and preferred fonts; the painter gives
 * each its own motif, so genre is visible in the image.
 */
public enum Genre {
    FANTASY("Fantasy", List.of("Fiction", "Magic", "Young Adult", "Epic Fantasy", "Adventure"),
            palettes(p(0x1b1035, 0x3d2a6b, 0xf2c14e, 0xf7ecd0), p(0x0f2f3a, 0x1f6f6b, 0xe8d28a, 0xffffff), p(0x2a0f2f, 0x6b2d5c, 0xf0a35e, 0xfbe8c8)),
            List.of("Dragon", "Crown", "Sword", "Realm", "Throne", "Sorceress", "Kingdom", "Prophecy", "Mage", "Oath", "Ember", "Wyrm"),
            List.of("Shattered", "Hidden", "Last", "Ashen", "Silver", "Endless", "Forgotten", "Wild", "Broken", "Golden"),
            List.of("Serif", "Serif", "DialogInput"), List.of(FontStyle.BOLD, FontStyle.ITALIC, FontStyle.BOLD_ITALIC)),
    SCIENCE_FICTION("Science Fiction", List.of("Fiction", "Space", "Dystopia", "Space Opera", "Cyberpunk"),
            palettes(p(0x02030a, 0x0b1d3a, 0x35e0ff, 0xe6f7ff), p(0x08080c, 0x2b1140, 0xff3fa4, 0xffffff), p(0x030b0b, 0x0c3b36, 0x7cff6b, 0xdfffe0)),
            List.of("Orbit", "Signal", "Android", "Nebula", "Colony", "Protocol", "Horizon", "Station", "Machine", "Star", "Vector", "Drift"),
            List.of("Dark", "Final", "Silent", "Distant", "Red", "Quantum", "Hollow", "Outer", "Last", "Broken"),
            List.of("SansSerif", "Monospaced", "Dialog"), List.of(FontStyle.BOLD, FontStyle.PLAIN)),
    ROMANCE("Romance", List.of("Contemporary", "Fiction", "Chick Lit", "Contemporary Romance", "Love"),
            palettes(p(0xffd6e0, 0xf38ba8, 0xd6336c, 0x5a0f2b), p(0xfff0e6, 0xffb4a2, 0xe5989b, 0x6d2e46), p(0xfde2f3, 0xc490d1, 0xb5179e, 0x3c0d3f)),
            List.of("Heart", "Summer", "Kiss", "Promise", "Wedding", "Paris", "Letters", "Love", "Valentine", "Rose", "Dance", "Vow"),
            List.of("Sweet", "Secret", "Perfect", "Unexpected", "Reckless", "Little", "Tender", "Stolen", "Forever", "First"),
            List.of("Serif", "Serif", "Dialog"), List.of(FontStyle.ITALIC, FontStyle.BOLD_ITALIC, FontStyle.PLAIN)),
    MYSTERY("Mystery", List.of("Fiction", "Crime", "Detective", "Suspense", "Cozy Mystery"),
            palettes(p(0x0d1b2a, 0x415a77, 0xe0c97f, 0xe0e1dd), p(0x1c1c1c, 0x4a4e69, 0xc9ada7, 0xf2e9e4), p(0x102a2a, 0x3b6064, 0xf4d35e, 0xffffff)),
            List.of("Secret", "Key", "Shadow", "Clue", "Witness", "Alibi", "Cellar", "Lantern", "Locket", "Lie", "Inheritance", "Fog"),
            List.of("Missing", "Silent", "Hidden", "Crooked", "Locked", "Quiet", "Cold", "Third", "Stolen", "Pale"),
            List.of("Serif", "Monospaced", "Serif"), List.of(FontStyle.BOLD, FontStyle.PLAIN)),
    HORROR("Horror", List.of("Fiction", "Paranormal", "Supernatural", "Thriller", "Gothic"),
            palettes(p(0x000000, 0x2b0000, 0xb00000, 0xf0f0f0), p(0x050505, 0x1a1a12, 0x8fbc3b, 0xe8e8d0), p(0x0a0000, 0x3d0c11, 0xff2d2d, 0xffd7d7)),
            List.of("Night", "Blood", "Haunting", "Bones", "Crypt", "Hunger", "Teeth", "Grave", "Whisper", "Asylum", "Hollow", "Rot"),
            List.of("Dead", "Crimson", "Black", "Rotten", "Screaming", "Hungry", "Cursed", "Endless", "Howling", "Pale"),
            List.of("Dialog", "SansSerif", "Serif"), List.of(FontStyle.BOLD, FontStyle.BOLD_ITALIC)),
    HISTORICAL("Historical Fiction", List.of("Historical", "Fiction", "War", "World War II", "Classics"),
            palettes(p(0xf1e3c6, 0xd9b98c, 0x7a4e2d, 0x3b2a1a), p(0xe9dcc9, 0xb8a07e, 0x5b3a29, 0x2f1e12), p(0xeee2d0, 0xa3b18a, 0x588157, 0x2b3a2b)),
            List.of("Empire", "Queen", "War", "Letters", "Harvest", "Duchess", "Revolution", "Crossing", "Daughter", "Lighthouse", "Tailor", "Exile"),
            List.of("Last", "Winter", "Royal", "Lost", "Forgotten", "Brave", "Elder", "Long", "Scarlet", "Quiet"),
            List.of("Serif", "Serif", "DialogInput"), List.of(FontStyle.PLAIN, FontStyle.ITALIC, FontStyle.BOLD)),
    THRILLER("Thriller", List.of("Suspense", "Mystery", "Crime", "Action", "Espionage"),
            palettes(p(0x000000, 0x111111, 0xffd000, 0xffffff), p(0x0a0a0a, 0x1f1f1f, 0xff3b30, 0xffffff), p(0x0b132b, 0x1c2541, 0x5bc0be, 0xffffff)),
            List.of("Target", "Code", "Hunt", "Protocol", "Agent", "Conspiracy", "Deadline", "Pursuit", "Cipher", "Ransom", "Trigger", "Sniper"),
            List.of("Kill", "Zero", "Final", "Black", "Rogue", "Deadly", "Silent", "Double", "Burning", "Cold"),
            List.of("SansSerif", "Dialog", "SansSerif"), List.of(FontStyle.BOLD)),
    CHILDRENS("Childrens", List.of("Picture Books", "Fiction", "Animals", "Humor", "Kids"),
            palettes(p(0x8ecae6, 0xbde0fe, 0xffb703, 0x023047), p(0xfff3b0, 0xffd6a5, 0xe63946, 0x1d3557), p(0xcaffbf, 0x9bf6ff, 0xff70a6, 0x3a0ca3)),
            List.of("Bunny", "Adventure", "Balloon", "Friends", "Puppy", "Garden", "Rainbow", "Dinosaur", "Picnic", "Moon", "Bear", "Kite"),
            List.of("Little", "Happy", "Brave", "Silly", "Sleepy", "Big", "Tiny", "Busy", "Curious", "Magic"),
            List.of("Dialog", "SansSerif", "DialogInput"), List.of(FontStyle.BOLD, FontStyle.PLAIN)),
    NONFICTION("Nonfiction", List.of("Business", "Self Help", "Psychology", "History", "Science"),
            palettes(p(0xffffff, 0xffffff, 0xff6b35, 0x111111), p(0xf4f4f4, 0xf4f4f4, 0x1e88e5, 0x0d1b2a), p(0xfff8e1, 0xfff8e1, 0x2e7d32, 0x1b1b1b)),
            List.of("Habits", "Mind", "Guide", "Leadership", "Economics", "Brain", "Focus", "Money", "Science", "Power", "Work", "Data"),
            List.of("Deep", "Essential", "Hidden", "Simple", "Modern", "Radical", "Practical", "New", "Little", "Great"),
            List.of("SansSerif", "SansSerif", "Dialog"), List.of(FontStyle.BOLD, FontStyle.PLAIN)),
    POETRY("Poetry", List.of("Classics", "Literature", "Poems", "Fiction", "Inspirational"),
            palettes(p(0xf8f4ec, 0xf1e9da, 0x6b705c, 0x3f4238), p(0xeef4f2, 0xdbe7e4, 0x5e8b7e, 0x2f3e46), p(0xf9f1f0, 0xf0dfe0, 0xb56576, 0x4a4e69)),
            List.of("Rain", "Songs", "Light", "Silence", "River", "Leaves", "Salt", "Honey", "Stones", "Tides", "Moss", "Wings"),
            List.of("Small", "Quiet", "Blue", "Late", "Soft", "Wild", "Bright", "Slow", "Tender", "Folded"),
            List.of("Serif", "Serif", "Monospaced"), List.of(FontStyle.ITALIC, FontStyle.PLAIN));

    private final String label;
    private final List<String> related;
    private final List<Palette> palettes;
    private final List<String> nouns;
    private final List<String> adjectives;
    private final List<String> fonts;
    private final List<FontStyle> styles;

    Genre(String label, List<String> related, List<Palette> palettes, List<String> nouns, List<String> adjectives,
          List<String> fonts, List<FontStyle> styles) {
        this.label = label;
        this.related = related;
        this.palettes = palettes;
        this.nouns = nouns;
        this.adjectives = adjectives;
        this.fonts = fonts;
        this.styles = styles;
    }

    /** The Goodreads genre name, first in the genres column. */
    public String label() {
        return label;
    }

    public List<String> related() {
        return related;
    }

    public List<Palette> palettes() {
        return palettes;
    }

    public List<String> nouns() {
        return nouns;
    }

    public List<String> adjectives() {
        return adjectives;
    }

    /** Logical font families (always present on a headless JDK). */
    public List<String> fonts() {
        return fonts;
    }

    public List<FontStyle> styles() {
        return styles;
    }

    /** Colours of one cover. */
    public record Palette(Color top, Color bottom, Color accent, Color text) {}

    public enum FontStyle {
        PLAIN(java.awt.Font.PLAIN), BOLD(java.awt.Font.BOLD), ITALIC(java.awt.Font.ITALIC),
        BOLD_ITALIC(java.awt.Font.BOLD | java.awt.Font.ITALIC);

        final int awt;

        FontStyle(int awt) {
            this.awt = awt;
        }
    }

    private static Palette p(int top, int bottom, int accent, int text) {
        return new Palette(new Color(top), new Color(bottom), new Color(accent), new Color(text));
    }

    private static List<Palette> palettes(Palette... p) {
        return List.of(p);
    }
}
