#!/usr/bin/env python3
"""The PyTorch + diffusers side of `scripts/bench` (reference tooling; CI never runs it).

Same rows as the Java worker (org.coverlab.bench.Workload), on the same diffusers folder and the same synthetic
cover dataset, driven by the same line protocol over stdin/stdout:

    setup NAME KIND BATCH WIDTH HEIGHT  -> ready SECONDS
    run N                               -> time SECONDS UNITS
    rss                                 -> rss PEAK_MIB
    quit

Usage (the Java driver starts it): bench_reference.py --worker MODEL_DIR COVERS_DIR THREADS
           bench_reference.py --versions     (prints torch / diffusers / transformers / torchvision versions)

It needs torch (CPU), diffusers, transformers, safetensors, pillow, torchvision. `scripts/bench` creates a venv with
them in .venv-bench when BENCH_PYTHON does not name an interpreter that has them:
    python3 -m venv .venv-bench
    .venv-bench/bin/pip install --index-url https://download.pytorch.org/whl/cpu torch torchvision
    .venv-bench/bin/pip install diffusers transformers safetensors pillow scipy pytorch-fid
"""
import csv
import os
import sys
import time


def peak_rss_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return -1.0


PROMPTS = [
    "A book cover with author Jane Austen, book title Pride and Prejudice",
    "A book cover of Moby-Dick by Herman Melville",
    "The cover of the book Frankenstein, written by Mary Shelley",
    "A mystery book cover for The Adventures of Sherlock Holmes by Arthur Conan Doyle",
]


class Train:
    """diffusers' train_text_to_image step: frozen VAE encode, noise, timesteps, text states, UNet, MSE, backward,
    clip_grad_norm_(1.0), AdamW, zero_grad. Trains the UNet, or the text encoder through the frozen UNet."""

    def __init__(self, torch, folder, batch, width, height, text_encoder):
        from diffusers import AutoencoderKL, DDPMScheduler, UNet2DConditionModel
        from transformers import CLIPTextModel
        self.torch = torch
        self.vae = AutoencoderKL.from_pretrained(folder, subfolder="vae")
        self.unet = UNet2DConditionModel.from_pretrained(folder, subfolder="unet")
        self.text = CLIPTextModel.from_pretrained(folder, subfolder="text_encoder")
        self.sched = DDPMScheduler.from_pretrained(folder, subfolder="scheduler")
        self.vae.requires_grad_(False)
        self.train_text = text_encoder
        trained = self.text if text_encoder else self.unet
        (self.unet if text_encoder else self.text).requires_grad_(False)
        trained.train()
        self.params = [p for p in trained.parameters() if p.requires_grad]
        self.opt = torch.optim.AdamW(self.params, lr=1e-4, weight_decay=1e-2)
        g = torch.Generator().manual_seed(0)
        self.pixels = torch.rand(batch, 3, height, width, generator=g) * 2 - 1
        self.ids = torch.randint(0, self.text.config.vocab_size, (batch, 77), generator=g)
        self.batch = batch
        self.step = 0

    def units(self):
        return self.batch

    def run(self):
        torch = self.torch
        torch.manual_seed(self.step)
        self.step += 1
        with torch.no_grad():
            latents = self.vae.encode(self.pixels).latent_dist.sample() * self.vae.config.scaling_factor
        noise = torch.randn_like(latents)
        t = torch.randint(0, self.sched.config.num_train_timesteps, (self.batch,)).long()
        noisy = self.sched.add_noise(latents, noise, t)
        if self.train_text:
            states = self.text(self.ids)[0]
        else:
            with torch.no_grad():
                states = self.text(self.ids)[0]
        pred = self.unet(noisy, t, states).sample
        loss = torch.nn.functional.mse_loss(pred.float(), noise.float(), reduction="mean")
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.params, 1.0)
        self.opt.step()
        self.opt.zero_grad(set_to_none=True)


class Sample:
    """StableDiffusionPipeline: DDIM, 10 steps, guidance 7.5, four prompts in one batch, decoded to numpy."""

    def __init__(self, torch, folder, batch, width, height):
        from diffusers import DDIMScheduler, StableDiffusionPipeline
        self.torch = torch
        self.pipe = StableDiffusionPipeline.from_pretrained(folder, safety_checker=None, requires_safety_checker=False)
        self.pipe.scheduler = DDIMScheduler.from_config(self.pipe.scheduler.config)
        self.pipe.set_progress_bar_config(disable=True)
        self.prompts = PROMPTS[:batch]
        self.width, self.height = width, height
        self.seed = 0

    def units(self):
        return len(self.prompts)

    def run(self):
        self.seed += 1
        self.pipe(self.prompts, num_inference_steps=10, guidance_scale=7.5, width=self.width, height=self.height,
                  generator=self.torch.Generator().manual_seed(self.seed), output_type="np")


class Sd15Step:
    """One UNet forward of SD1.5's shape with random weights: a guided batch of 64x64 latents."""

    def __init__(self, torch, batch):
        from diffusers import UNet2DConditionModel
        self.torch = torch
        self.unet = UNet2DConditionModel(
            sample_size=64, in_channels=4, out_channels=4, layers_per_block=2,
            block_out_channels=(320, 640, 1280, 1280), cross_attention_dim=768, attention_head_dim=8,
            down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
            up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"))
        self.unet.eval()
        self.latents = torch.randn(batch, 4, 64, 64)
        self.t = torch.full((batch,), 500.0)
        self.context = torch.randn(batch, 77, 768)

    def units(self):
        return 1

    def run(self):
        with self.torch.no_grad():
            self.unet(self.latents, self.t, self.context).sample.sum().item()


class VaeEncode:
    def __init__(self, torch, folder, batch, width, height):
        from diffusers import AutoencoderKL
        self.torch = torch
        self.vae = AutoencoderKL.from_pretrained(folder, subfolder="vae")
        self.vae.eval()
        self.pixels = torch.rand(batch, 3, height, width, generator=torch.Generator().manual_seed(0)) * 2 - 1
        self.batch = batch

    def units(self):
        return self.batch

    def run(self):
        with self.torch.no_grad():
            self.vae.encode(self.pixels).latent_dist.mean.sum().item()


class FidFeatures:
    """pytorch-fid's InceptionV3 pool3 block (its FID network, random weights: pytorch-fid downloads the real ones,
    and speed does not depend on them) on a batch of decoded covers: to tensor, bilinear resize to 299, forward."""

    def __init__(self, torch, covers, batch):
        from PIL import Image
        from torchvision.transforms import functional as tvf
        from pytorch_fid import inception as fi
        skip = object()
        load = torch.nn.Module.load_state_dict
        fi.load_state_dict_from_url = lambda *a, **k: skip
        torch.nn.Module.load_state_dict = lambda self, sd, *a, **k: None if sd is skip else load(self, sd, *a, **k)
        try:
            self.model = fi.InceptionV3([fi.InceptionV3.BLOCK_INDEX_BY_DIM[2048]]).eval()
        finally:
            torch.nn.Module.load_state_dict = load
        self.torch, self.tvf = torch, tvf
        self.images = [Image.open(os.path.join(covers, "images", "images", f"{i}.jpg")).convert("RGB")
                       for i in range(batch)]

    def units(self):
        return len(self.images)

    def run(self):
        with self.torch.no_grad():
            x = self.torch.stack([self.tvf.to_tensor(im) for im in self.images])
            self.model(x)[0].squeeze(3).squeeze(2).numpy()


class Frechet:
    """pytorch-fid's calculate_frechet_distance (scipy.linalg.sqrtm) on two full-rank 2048-d statistics: the .npz
    files (pytorch-fid's format) that the Java driver makes once beside the covers, so both sides read the same."""

    def __init__(self, covers):
        import numpy as np
        from pytorch_fid.fid_score import calculate_frechet_distance
        self.fd = calculate_frechet_distance
        folder = os.path.join(os.path.dirname(os.path.abspath(covers)), "frechet-stats")
        self.stats = []
        for name in ("a.npz", "b.npz"):
            with np.load(os.path.join(folder, name)) as f:
                self.stats.append((f["mu"], f["sigma"]))

    def units(self):
        return 1

    def run(self):
        (m1, s1), (m2, s2) = self.stats
        self.fd(m1, s1, m2, s2)


class Data:
    """PIL decode, stretch-resize (bicubic) to the training size, [-1, 1] CHW tensor, caption from the CSV, through
    a torch DataLoader with the row's worker count, one epoch over the same covers as the Java side."""

    def __init__(self, torch, covers, width, height, threads):
        import random
        from PIL import Image
        from torchvision import transforms
        self.torch = torch
        rows = []
        with open(os.path.join(covers, "book_data.csv"), newline="", encoding="utf-8") as f:
            for i, r in enumerate(csv.DictReader(f)):
                path = os.path.join(covers, "images", "images", f"{i}.jpg")
                if os.path.exists(path):
                    rows.append((path, r["book_title"], r["book_authors"].split("|")[0]))
        templates = ["A book cover with author {author}, book title {title}", "A book cover of {title} by {author}",
                     "The cover of the book {title}, written by {author}"]
        tf = transforms.Compose([transforms.Resize((height, width), interpolation=transforms.InterpolationMode.BICUBIC),
                                 transforms.ToTensor(), transforms.Normalize([0.5], [0.5])])

        class Covers(torch.utils.data.Dataset):
            def __len__(self):
                return len(rows)

            def __getitem__(self, i):
                path, title, author = rows[i]
                image = tf(Image.open(path).convert("RGB"))
                caption = random.Random(i).choice(templates).format(title=title, author=author)
                return image, caption

        self.loader = torch.utils.data.DataLoader(Covers(), batch_size=None, shuffle=True, num_workers=threads,
                                                  persistent_workers=threads > 0)
        self.n = len(rows)

    def units(self):
        return self.n

    def run(self):
        checksum = 0.0
        for image, caption in self.loader:
            checksum += float(image[0, 0, 0]) + len(caption)


def worker(model, covers, threads):
    # numpy/scipy's BLAS (the Frechet row): the driver passes the Java side's OpenBLAS thread count; read when numpy
    # loads, so it must be set before the imports
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(threads))
    os.environ.setdefault("MKL_NUM_THREADS", str(threads))
    import torch
    torch.set_num_threads(threads)
    out = sys.stdout
    sys.stdout = sys.stderr  # library chatter away from the protocol
    work = None
    for line in sys.stdin:
        p = line.split()
        if not p:
            continue
        try:
            if p[0] == "setup":
                t0 = time.perf_counter()
                name, kind, batch, width, height = p[1], p[2], int(p[3]), int(p[4]), int(p[5])
                if kind == "unet_train":
                    work = Train(torch, model, batch, width, height, False)
                elif kind == "text_encoder_train":
                    work = Train(torch, model, batch, width, height, True)
                elif kind == "sample":
                    work = Sample(torch, model, batch, width, height)
                elif kind == "sd15_unet":
                    work = Sd15Step(torch, batch)
                elif kind == "vae_encode":
                    work = VaeEncode(torch, model, batch, width, height)
                elif kind == "fid_features":
                    work = FidFeatures(torch, covers, batch)
                elif kind == "frechet":
                    work = Frechet(covers)
                elif kind == "data":
                    work = Data(torch, covers, width, height, threads)
                else:
                    raise ValueError("no Python workload for " + kind)
                print(f"ready {time.perf_counter() - t0:.3f}", file=out, flush=True)
            elif p[0] == "run":
                n, units = int(p[1]), 0
                t0 = time.perf_counter()
                for _ in range(n):
                    work.run()
                    units += work.units()
                print(f"time {time.perf_counter() - t0:.6f} {units}", file=out, flush=True)
            elif p[0] == "rss":
                print(f"rss {peak_rss_mib():.1f}", file=out, flush=True)
            elif p[0] == "quit":
                return
            else:
                print("error unknown command " + line.strip(), file=out, flush=True)
        except Exception as e:  # the driver reports it in the row
            import traceback
            traceback.print_exc()
            print("error " + repr(e).replace("\n", " "), file=out, flush=True)


def versions():
    import torch
    import diffusers
    import transformers
    import torchvision
    import numpy
    import scipy
    print(f"torch {torch.__version__} (intra-op default {torch.get_num_threads()}), diffusers {diffusers.__version__}, "
          f"transformers {transformers.__version__}, torchvision {torchvision.__version__}, numpy {numpy.__version__}, "
          f"scipy {scipy.__version__}, python {sys.version.split()[0]}")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif len(sys.argv) == 2 and sys.argv[1] == "--versions":
        versions()
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
