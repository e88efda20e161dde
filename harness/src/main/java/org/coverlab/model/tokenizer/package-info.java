/**
 * CLIP's byte-level BPE tokenizer and a trainer for CLIP-format vocabularies.
 *
 * <p>{@link org.coverlab.model.tokenizer.ClipTokenizer} reproduces transformers' {@code CLIPTokenizer} as installed
 * for the reference vectors (transformers 5.24, tokenizers 0.23 backend; there is no ftfy or BasicTokenizer path in
 * that version): special tokens matched verbatim, NFC, whitespace runs to one space, per-character lower case, CLIP's
 * split pattern then the byte-level GPT-2 split, BPE with {@code </w>}, BOS/EOS, truncation and padding to 77. The
 * conformance tests compare ids, masks, tokens and decodes with the reference for awkward strings, with a small
 * vocabulary in CI and optionally with the real SD1.5 vocabulary (COVERLAB_SD15_TOKENIZER).
 *
 * <p>{@link org.coverlab.model.tokenizer.BpeTrainer} learns a vocabulary from captions and writes a
 * {@code tokenizer/} folder that both this tokenizer and transformers load.
 */
package org.coverlab.model.tokenizer;
