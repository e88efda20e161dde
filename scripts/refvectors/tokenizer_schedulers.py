"""Reference vectors for the CLIP tokenizer and the diffusers schedulers (reference tooling; CI does not run it).

build(out) writes, under out/tokenizer and out/schedulers:
  tokenizer/clip-small/            a small CLIP-format vocabulary (vocab.json, merges.txt, tokenizer_config.json,
                                   special_tokens_map.json) trained here by a plain deterministic BPE on fixed text;
  tokenizer/encodings.json         transformers.CLIPTokenizer ids, masks, tokens and decodes for awkward strings,
                                   with the SD1.5 pad token and with SD2's pad token "!";
  tokenizer/sd15_vocab_encodings.json  the same with the real SD1.5 vocabulary, only when one is available locally
                                   (COVERLAB_SD15_TOKENIZER=<tokenizer folder> or COVERLAB_CLIP_BPE=<CLIP's
                                   bpe_simple_vocab_16e6.txt.gz, e.g. from the open-clip-torch wheel>);
  schedulers/*.json + *.safetensors  timesteps, sigmas and full trajectories of DDPM, DDIM, PNDM and Euler with
                                   SD1.5's scheduler config and variants, DDPM training quantities, and
                                   torch.manual_seed(s); torch.randn(shape) latents.
It also regenerates the tokenizer's Unicode table (harness/src/main/resources/.../unicode-classes.tsv) from the
tokenizers library, so the Java tokenizer classifies characters like the reference, not like the JVM's Unicode.
Nothing is downloaded. Everything is seeded or fixed, so reruns give identical files.
"""
import collections
import json
import math
import pathlib
import sys

import numpy as np
import torch
from safetensors.torch import save_file

sys.modules.setdefault("ftfy", None)  # make sure no ftfy path can be taken; CLIPTokenizer v5 does not use it anyway

import diffusers  # noqa: E402
import tokenizers  # noqa: E402
import transformers  # noqa: E402
from diffusers import DDIMScheduler, DDPMScheduler, EulerDiscreteScheduler, PNDMScheduler  # noqa: E402
from diffusers.training_utils import compute_snr  # noqa: E402
from transformers import CLIPTokenizer  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
UNICODE_TABLE = HERE.parent.parent / "harness/src/main/resources/org/coverlab/model/tokenizer/unicode-classes.tsv"

# ---------------------------------------------------------------------------------------------------------- tokenizer

CORPUS = [
    "A book cover with author Jane Austen, book title Pride and Prejudice",
    "A book cover with author Leo Tolstoy, book title War and Peace",
    "A book cover with author Fyodor Dostoevsky, book title Crime and Punishment",
    "A book cover with author Mary Shelley, book title Frankenstein",
    "A book cover with author Charlotte Bronte, book title Jane Eyre",
    "A book cover with author Gabriel Garcia Marquez, book title One Hundred Years of Solitude",
    "A book cover with author Harper Lee, book title To Kill a Mockingbird",
    "A book cover with author George Orwell, book title Nineteen Eighty-Four (1984)",
    "A book cover with author J. R. R. Tolkien, book title The Lord of the Rings",
    "A book cover with author Agatha Christie, book title Murder on the Orient Express",
    "a painting of a lighthouse at night, oil on canvas, dramatic lighting",
    "photo of a cat sitting on a stack of old books, shallow depth of field",
    "minimalist poster, bold typography, red and black, 1960s style",
    "the children's illustrated guide to the stars and planets",
    "it's the author's first novel; they're calling it a masterpiece",
    "we've read it, you'll love it, I'm sure, he'd agree",
    "fantasy map with mountains, rivers and a dragon in the corner",
    "science fiction cover: spaceship over a red desert planet",
    "romance novel cover, couple in a garden, pastel colours",
    "thriller, dark alley, rain, neon signs, cinematic",
    "cookbook cover, fresh vegetables on a wooden table",
    "history of the roman empire, marble statue, gold letters",
    "Les Misérables de Victor Hugo, édition illustrée",
    "Cien años de soledad, portada de libro",
    "Die Verwandlung von Franz Kafka, Umschlag",
]

AWKWARD = [
    "",
    " ",
    "hello",
    "Hello World",
    "HELLO   WORLD",
    "  leading and trailing spaces  ",
    "tabs\tand\nnewlines\r\nmixed",
    "multiple     spaces    between     words",
    "A book cover with author Jane Austen, book title Pride and Prejudice",
    "it's the author's first novel; they're calling it a masterpiece",
    "IT'S SHOUTING'S FINE; THEY'RE HERE",
    "don't won't can't 'quoted' ''double'' '",
    "numbers 1984 and 3.14159 and 1,000,000 and 42nd",
    "punctuation!!! ... ??? --- (brackets) [square] {curly} <angle> @#$%^&*",
    "Les Misérables, édition illustrée, naïve café",
    "decomposed e\u0301 and composed \u00e9",
    "Straße ÆØÅ æøå Œuvre",
    "İstanbul ΣΟΦΙΑ σοφίας ΑΣ",
    "Кафка, Превращение",
    "東京の本屋さん 北京 書籍",
    "한국어 책 표지",
    "emoji 📚✨🐉 and 👩‍🚀 astronaut",
    "arabic كتاب and hebrew ספר",
    "zero\u200bwidth and nbsp\u00a0here and line\u2028separator",
    "control\x00chars\x1bhere\x7f",
    "<|startoftext|> literal specials <|endoftext|>",
    "!<|endoftext|>glued<|startoftext|>!",
    "<|ENDOFTEXT|> upper-case specials are plain text",
    "hello! wow!! a!b",
    "ﬁ ligature and ＦＵＬＬＷＩＤＴＨ and ①②③ and Ⅻ",
    "a " * 100,
    "A long caption that goes on and on, " * 10,
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "x" * 300,
]


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def train_reference_bpe(num_merges):
    """Plain BPE over CLIP-pre-tokenized words: most frequent pair first, ties to the smallest pair."""
    alphabet = list(bytes_to_unicode().values())  # CLIP's order: printable bytes first, so "!" is id 0
    base_vocab = {c: i for i, c in enumerate(alphabet)}
    for c in alphabet:
        base_vocab[c + "</w>"] = len(base_vocab)
    base_vocab["<|startoftext|>"] = len(base_vocab)
    base_vocab["<|endoftext|>"] = len(base_vocab)
    bootstrap = CLIPTokenizer(vocab=base_vocab, merges=[])
    backend = bootstrap.backend_tokenizer
    counts = collections.Counter()
    for line in CORPUS:
        normalized = backend.normalizer.normalize_str(line)
        for word, _ in backend.pre_tokenizer.pre_tokenize_str(normalized):
            counts[word] += 1
    words = {w: list(w[:-1]) + [w[-1] + "</w>"] for w in counts}
    merges = []
    for _ in range(num_merges):
        pairs = collections.Counter()
        for w, symbols in words.items():
            for a, b in zip(symbols, symbols[1:]):
                pairs[(a, b)] += counts[w]
        if not pairs:
            break
        best = min(pairs, key=lambda p: (-pairs[p], p))
        merges.append(best)
        for w, symbols in words.items():
            out, i = [], 0
            while i < len(symbols):
                if i + 1 < len(symbols) and symbols[i] == best[0] and symbols[i + 1] == best[1]:
                    out.append(best[0] + best[1])
                    i += 2
                else:
                    out.append(symbols[i])
                    i += 1
            words[w] = out
    vocab = {c: i for i, c in enumerate(alphabet)}
    for c in alphabet:
        vocab[c + "</w>"] = len(vocab)
    for a, b in merges:
        vocab.setdefault(a + b, len(vocab))
    vocab["<|startoftext|>"] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)
    return vocab, merges


def write_tokenizer_folder(folder, vocab, merges):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    (folder / "merges.txt").write_text("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges), encoding="utf-8")
    special = {"content": None, "lstrip": False, "normalized": True, "rstrip": False, "single_word": False}
    config = {
        "bos_token": dict(special, content="<|startoftext|>"),
        "eos_token": dict(special, content="<|endoftext|>"),
        "unk_token": dict(special, content="<|endoftext|>"),
        "pad_token": "<|endoftext|>",
        "model_max_length": 77,
        "do_lower_case": True,
        "errors": "replace",
        "tokenizer_class": "CLIPTokenizer",
    }
    (folder / "tokenizer_config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    tokens_map = {"bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>",
                  "pad_token": "<|endoftext|>"}
    (folder / "special_tokens_map.json").write_text(json.dumps(tokens_map, indent=2), encoding="utf-8")


def encode_all(tokenizer):
    return [encode_all_one(tokenizer, text) for text in AWKWARD]


def build_tokenizer(out):
    folder = out / "tokenizer" / "clip-small"
    vocab, merges = train_reference_bpe(num_merges=400)
    write_tokenizer_folder(folder, vocab, merges)
    sd15 = CLIPTokenizer.from_pretrained(str(folder))  # the way diffusers loads pipeline/tokenizer
    sd2 = CLIPTokenizer.from_pretrained(str(folder), pad_token="!")
    assert sd15.model_max_length == 77, sd15.model_max_length
    result = {
        "reference": {
            "class": f"{type(sd15).__module__}.{type(sd15).__name__}",
            "transformers": transformers.__version__,
            "tokenizers": tokenizers.__version__,
            "text_path": "tokenizers backend: NFC, \\s+ -> ' ', lowercase; no ftfy, no BasicTokenizer",
            "normalizer": json.loads(sd15.backend_tokenizer.to_str())["normalizer"],
        },
        "vocab_size": len(vocab),
        "training": {"corpus": CORPUS, "num_merges": 400,
                     "rule": "most frequent pair, ties to the smallest (left, right); words weighted by count"},
        "max_length": 77,
        "sd15_pad": {"pad_token": "<|endoftext|>", "pad_token_id": sd15.pad_token_id, "cases": encode_all(sd15)},
        "sd2_pad": {"pad_token": "!", "pad_token_id": sd2.pad_token_id, "cases": encode_all(sd2)},
    }
    (out / "tokenizer" / "encodings.json").write_text(json.dumps(result, ensure_ascii=False),
                                                      encoding="utf-8")
    write_unicode_table(sd15)
    build_sd15_vocabulary_vectors(out)


def clip_folder_from_bpe(bpe_gz, folder):
    """SD1.5's tokenizer folder (openai/clip-vit-large-patch14, 49408 tokens) from CLIP's own merges file
    bpe_simple_vocab_16e6.txt.gz (shipped with OpenAI's clip and with open_clip), built the way CLIP builds it."""
    import gzip
    lines = gzip.open(bpe_gz).read().decode("utf-8").split("\n")[1:49152 - 256 - 2 + 1]
    merges = [tuple(line.split()) for line in lines]
    alphabet = list(bytes_to_unicode().values())
    tokens = alphabet + [c + "</w>" for c in alphabet] + ["".join(m) for m in merges]
    tokens += ["<|startoftext|>", "<|endoftext|>"]
    write_tokenizer_folder(folder, {t: i for i, t in enumerate(tokens)}, merges)


def build_sd15_vocabulary_vectors(out):
    """Ids with the real SD1.5 vocabulary, if one is available locally (nothing is downloaded): set
    COVERLAB_SD15_TOKENIZER to a diffusers tokenizer/ folder, or COVERLAB_CLIP_BPE to bpe_simple_vocab_16e6.txt.gz.
    The vocabulary itself (1.6 MB) is not committed; the Java test runs when a user points it at one."""
    import hashlib
    import os
    import tempfile
    folder = os.environ.get("COVERLAB_SD15_TOKENIZER")
    if not folder and os.environ.get("COVERLAB_CLIP_BPE"):
        folder = tempfile.mkdtemp(prefix="clip-vocab-")
        clip_folder_from_bpe(os.environ["COVERLAB_CLIP_BPE"], pathlib.Path(folder))
    if not folder:
        print("   (no COVERLAB_SD15_TOKENIZER or COVERLAB_CLIP_BPE: keeping the committed SD1.5 vocabulary vectors)")
        return
    folder = pathlib.Path(folder)
    tokenizer = CLIPTokenizer.from_pretrained(str(folder))
    vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
    fingerprint = hashlib.sha256("\n".join(f"{t}\t{i}" for t, i in sorted(vocab.items(), key=lambda e: e[1]))
                                 .encode("utf-8")).hexdigest()
    result = {"vocab_size": len(vocab), "vocab_sha256": fingerprint,
              "fingerprint": "sha256 of 'token<TAB>id' lines in id order, joined by newlines",
              "cases": encode_all(tokenizer) + [encode_all_one(tokenizer, c) for c in CORPUS]}
    (out / "tokenizer" / "sd15_vocab_encodings.json").write_text(json.dumps(result, ensure_ascii=False),
                                                                 encoding="utf-8")


def encode_all_one(tokenizer, text):
    enc = tokenizer(text, padding="max_length", max_length=77, truncation=True)
    raw = tokenizer(text, add_special_tokens=False)["input_ids"]
    return {"text": text, "input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
            "tokens": tokenizer.convert_ids_to_tokens(raw), "untruncated_length": len(raw),
            "decoded": tokenizer.decode(enc["input_ids"], skip_special_tokens=True, clean_up_tokenization_spaces=False)}


def ranges(flags):
    out, start = [], None
    for cp, on in enumerate(flags):
        if on and start is None:
            start = cp
        elif not on and start is not None:
            out.append((start, cp - 1))
            start = None
    if start is not None:
        out.append((start, len(flags) - 1))
    return out


def write_unicode_table(tokenizer):
    """Letter and number classes of the reference regex engine, and its per-character lower-casing."""
    from tokenizers import Regex, normalizers
    probes = {"L": normalizers.Replace(Regex(r"\p{L}"), "\u0001"), "N": normalizers.Replace(Regex(r"\p{N}"), "\u0001")}
    lower = normalizers.Lowercase()
    limit = 0x110000
    lines = ["# Generated by scripts/refvectors/tokenizer_schedulers.py from tokenizers "
             f"{tokenizers.__version__} (Oniguruma \\p{{L}}, \\p{{N}}; Rust char lower-casing). Do not edit.",
             "# L/N first last: code point ranges (hex); lower cp mapped...: lower-case mappings other than identity"]
    for name, probe in probes.items():
        flags = [False] * limit
        for cp in range(limit):
            if 0xD800 <= cp <= 0xDFFF or cp == 1:
                continue
            flags[cp] = probe.normalize_str(chr(cp)) == "\u0001"
        lines += [f"{name} {a:x} {b:x}" for a, b in ranges(flags)]
    for cp in range(limit):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        low = lower.normalize_str(chr(cp))
        if low != chr(cp):
            lines.append(f"lower {cp:x} " + " ".join(f"{ord(c):x}" for c in low))
    UNICODE_TABLE.parent.mkdir(parents=True, exist_ok=True)
    UNICODE_TABLE.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------------------------------------- schedulers

SD15_CONFIG = {
    "_class_name": "PNDMScheduler",
    "_diffusers_version": "0.6.0",
    "beta_end": 0.012,
    "beta_schedule": "scaled_linear",
    "beta_start": 0.00085,
    "num_train_timesteps": 1000,
    "set_alpha_to_one": False,
    "skip_prk_steps": True,
    "steps_offset": 1,
    "trained_betas": None,
    "clip_sample": False,
}
VPRED_TRAILING = dict(SD15_CONFIG, prediction_type="v_prediction", timestep_spacing="trailing",
                      rescale_betas_zero_snr=True)
PRK = dict(SD15_CONFIG, skip_prk_steps=False)
EULER_LEADING = dict(SD15_CONFIG, timestep_spacing="leading")
DDPM_LINEAR = {"num_train_timesteps": 1000, "beta_schedule": "linear", "beta_start": 0.0001, "beta_end": 0.02}
DDPM_COSINE = {"num_train_timesteps": 1000, "beta_schedule": "squaredcos_cap_v2", "prediction_type": "v_prediction"}
DDPM_CLIPPED = {"num_train_timesteps": 1000, "beta_schedule": "linear", "clip_sample": True, "clip_sample_range": 0.5}

SHAPE = (1, 4, 8, 8)


def fixed(seed, shape):
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float32)


def model_output(sample, t, bias):
    """The fake denoiser the Java test reimplements: 0.1 * x * cos(t / 100) + 0.9 * bias."""
    return 0.1 * sample * math.cos(float(t) / 100.0) + 0.9 * bias


def trajectory(scheduler, steps, x_t, bias, noise_seed_base=None, eta=None):
    scheduler.set_timesteps(steps)
    x = x_t * scheduler.init_noise_sigma
    inputs, outputs, samples = [], [], []
    for i, t in enumerate(scheduler.timesteps):
        scaled = scheduler.scale_model_input(x, t)
        out = model_output(scaled, t, bias)
        kwargs = {}
        if noise_seed_base is not None:
            kwargs["generator"] = torch.Generator().manual_seed(noise_seed_base + i)
        if eta is not None:
            kwargs["eta"] = eta
        x = scheduler.step(out, t, x, **kwargs).prev_sample
        inputs.append(scaled)
        outputs.append(out)
        samples.append(x)
    return x_t * scheduler.init_noise_sigma, torch.cat(inputs), torch.cat(outputs), torch.cat(samples)


def ddpm_noises(scheduler, steps, base):
    """The variance noise DDPM's step draws with generator seed base + i (none at t = 0)."""
    scheduler.set_timesteps(steps)
    return torch.cat([fixed(base + i, SHAPE) for i in range(len(scheduler.timesteps))])


def build_schedulers(out):
    folder = out / "schedulers"
    folder.mkdir(parents=True, exist_ok=True)
    x_t = fixed(0, SHAPE)
    bias = fixed(1, SHAPE)
    tensors = {"x_T": x_t, "bias": bias}
    cases = []

    def run(name, cls, config, steps, noise_seed_base=None, eta=None):
        scheduler = cls.from_config(config)
        start, inputs, outputs, samples = trajectory(scheduler, steps, x_t, bias, noise_seed_base, eta)
        tensors[f"{name}.start"] = start
        if cls is EulerDiscreteScheduler:  # elsewhere the model input is the sample itself
            tensors[f"{name}.inputs"] = inputs
        tensors[f"{name}.samples"] = samples
        case = {"name": name, "scheduler": cls.__name__, "config": config, "steps": steps, "eta": eta or 0.0,
                "timesteps": [float(t) for t in scheduler.timesteps],
                "init_noise_sigma": float(scheduler.init_noise_sigma)}
        if hasattr(scheduler, "sigmas") and cls is EulerDiscreteScheduler:
            case["sigmas"] = [float(s) for s in scheduler.sigmas]
        if noise_seed_base is not None:
            tensors[f"{name}.noise"] = ddpm_noises(cls.from_config(config), steps, noise_seed_base)
        cases.append(case)

    run("pndm_sd15", PNDMScheduler, SD15_CONFIG, 20)
    run("pndm_vpred_trailing", PNDMScheduler, VPRED_TRAILING, 10)
    run("pndm_prk", PNDMScheduler, PRK, 10)
    run("ddim_sd15", DDIMScheduler, SD15_CONFIG, 20)
    run("ddim_vpred_trailing", DDIMScheduler, VPRED_TRAILING, 10)
    run("euler_sd15", EulerDiscreteScheduler, SD15_CONFIG, 20)
    run("euler_vpred_trailing", EulerDiscreteScheduler, VPRED_TRAILING, 10)
    run("euler_leading", EulerDiscreteScheduler, EULER_LEADING, 15)
    run("ddpm_sd15", DDPMScheduler, SD15_CONFIG, 10, noise_seed_base=100)
    run("ddpm_clipped", DDPMScheduler, DDPM_CLIPPED, 10, noise_seed_base=200)
    run("ddpm_fixed_large", DDPMScheduler, dict(SD15_CONFIG, variance_type="fixed_large"), 10, noise_seed_base=300)
    run("ddim_eta", DDIMScheduler, SD15_CONFIG, 10, noise_seed_base=400, eta=0.5)
    run("ddim_cosine_sample_linspace", DDIMScheduler, {"beta_schedule": "squaredcos_cap_v2", "prediction_type": "sample",
                                                       "timestep_spacing": "linspace", "clip_sample": True}, 12)
    run("pndm_linspace", PNDMScheduler, dict(SD15_CONFIG, timestep_spacing="linspace"), 12)
    run("euler_sigma_min", EulerDiscreteScheduler, dict(SD15_CONFIG, final_sigmas_type="sigma_min"), 10)

    # Training side: schedules, forward process, velocity, SNR.
    x0 = fixed(2, (5, 4, 8, 8))
    noise = fixed(3, (5, 4, 8, 8))
    train_t = torch.tensor([0, 1, 250, 500, 999], dtype=torch.int64)
    tensors["train.x0"] = x0
    tensors["train.noise"] = noise
    tensors["train.timesteps"] = train_t
    training = []
    for name, config in [("sd15", SD15_CONFIG), ("linear", DDPM_LINEAR), ("cosine", DDPM_COSINE),
                         ("vpred_zero_snr", VPRED_TRAILING)]:
        s = DDPMScheduler.from_config(config)
        tensors[f"train.{name}.betas"] = s.betas.clone()
        tensors[f"train.{name}.alphas_cumprod"] = s.alphas_cumprod.clone()
        tensors[f"train.{name}.noisy"] = s.add_noise(x0, noise, train_t)
        tensors[f"train.{name}.velocity"] = s.get_velocity(x0, noise, train_t)
        all_t = torch.arange(0, 1000, dtype=torch.int64)
        snr = compute_snr(s, all_t)
        tensors[f"train.{name}.snr"] = snr.float()
        # Min-SNR-gamma loss weights (Hang et al. 2023) as diffusers' train_text_to_image.py computes them, gamma 5.
        weights = torch.stack([snr, 5.0 * torch.ones_like(all_t)], dim=1).min(dim=1)[0]
        if s.config.prediction_type == "epsilon":
            weights = weights / snr
        elif s.config.prediction_type == "v_prediction":
            weights = weights / (snr + 1)
        tensors[f"train.{name}.min_snr_weights"] = weights.float()
        training.append({"name": name, "config": config, "prediction_type": s.config.prediction_type})

    # Seeds to initial latents: torch.manual_seed(s); torch.randn(shape).
    latents = []
    for seed, shape in [(0, (1, 4, 12, 8)), (1, (1, 4, 12, 8)), (42, (1, 4, 12, 8)), (1234, (1, 4, 8, 8)),
                        (2147483647, (1, 4, 12, 8)), (7, (1, 1, 3, 5)), (42, (1, 4, 64, 64))]:
        torch.manual_seed(seed)
        key = f"latents.{seed}." + "x".join(map(str, shape))
        tensors[key] = torch.randn(shape)
        latents.append({"seed": seed, "shape": list(shape), "key": key})

    save_file({k: v.contiguous() for k, v in tensors.items()}, str(folder / "vectors.safetensors"))
    meta = {"reference": {"diffusers": diffusers.__version__, "torch": torch.__version__},
            "model_output": "0.1 * sample * cos(t / 100) + 0.9 * bias, evaluated on scale_model_input(sample, t)",
            "latent_shape": list(SHAPE), "trajectories": cases, "training": training, "latents": latents}
    (folder / "cases.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")


def build(out: pathlib.Path) -> None:
    build_tokenizer(out)
    build_schedulers(out)
